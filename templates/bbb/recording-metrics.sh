#!/bin/bash
# Counts the recordings BigBlueButton has not finished on this server, for
# node_exporter's textfile collector. The autoscaler stops a server only when the
# count is 0. bigbluebutton-exporter's counts from disk cannot serve: BigBlueButton
# keeps status files after publishing, so they grow with every recording ever made.
#
# BigBlueButton's record-and-playback workers track a recording <id> in
# status/ below the recording directory:
#   recorded/<id>.done   the meeting ended with recording on; rap-starter deletes it
#                        as soon as it queues the archive step and creates raw/<id>/
#   archived/<id>.done   archived (archived/<id>.norecord: nothing was recorded)
#   sanity/<id>.done     checked
#   processed/<id>-<format>.done, published/<id>-<format>.done   for each format
# Any step can leave a .fail instead of its .done. After publishing, Scalelite's
# post-publish script copies the recording away through <id>*.tar in its work
# directory. A recording is pending from recorded until published (and copied)
# in every format it was processed in; failed recordings are counted apart.
#
# Paths can be overridden, to run the script against a copy of the tree.
set -euo pipefail
shopt -s nullglob

readonly RECORDING_DIR="${RECORDING_DIR:-/var/bigbluebutton/recording}"
readonly TRANSFER_DIR="${TRANSFER_DIR:-{{ transferDir }}}"
readonly TEXTFILE_DIR="${TEXTFILE_DIR:-{{ textfileDir }}}"
readonly STATUS="${RECORDING_DIR}/status"
readonly OUTPUT="${TEXTFILE_DIR}/{{ countFile }}"
# Internal meeting id (sha1 hex, '-', creation time in ms), then the rest of the name.
readonly ID_AND_REST='^([0-9a-f]+-[0-9]+)(.*)$'

declare -A failed=() processed=() published=() transferring=() candidates=()

# Records the recording id of every file matching the glob in the named array,
# with the rest of the file name (for per-format files: "-<format>.done").
index() {
  local -n into=$1
  local file name id
  for file in "${@:2}"; do
    name=${file%/}
    name=${name##*/}
    if [[ ${name} =~ ${ID_AND_REST} ]]; then
      id=${BASH_REMATCH[1]}
      into["${id}"]+="${BASH_REMATCH[2]} "
    fi
  done
}

index failed "${STATUS}"/{archived,sanity,processed,published}/*.fail
index processed "${STATUS}"/processed/*.done
index published "${STATUS}"/published/*.done
index transferring "${TRANSFER_DIR}"/*.tar
index candidates "${STATUS}"/recorded/*.done "${RECORDING_DIR}"/raw/*/

# True when every format the recording was processed in is published, and one is.
published_everywhere() {
  local id=$1 format
  [[ -n ${published[${id}]:-} ]] || return 1
  for format in ${processed[${id}]:-}; do
    [[ " ${published[${id}]} " == *" ${format} "* ]] || return 1
  done
}

pending() {
  local id=$1
  [[ -e ${STATUS}/recorded/${id}.done ]] && return 0
  [[ -e ${STATUS}/archived/${id}.done ]] || return 0
  [[ -e ${STATUS}/sanity/${id}.done ]] || return 0
  published_everywhere "${id}" || return 0
  [[ -n ${transferring[${id}]:-} ]]
}

pending_count=0
failed_count=0
for id in "${!candidates[@]}"; do
  if [[ -n ${failed[${id}]:-} ]]; then
    failed_count=$((failed_count + 1))
  elif [[ -e ${STATUS}/archived/${id}.norecord ]]; then
    continue
  elif pending "${id}"; then
    pending_count=$((pending_count + 1))
  fi
done

# node_exporter must never read a half-written file: write beside it, then rename.
install -d -m 0755 "${TEXTFILE_DIR}"
temporary=$(mktemp "${OUTPUT}.XXXXXX")
trap 'rm -f "${temporary}"' EXIT
cat >"${temporary}" <<EOF
# HELP bbb_platform_recordings_pending Recordings on this server not yet archived, processed, published and copied to Scalelite.
# TYPE bbb_platform_recordings_pending gauge
bbb_platform_recordings_pending ${pending_count}
# HELP bbb_platform_recordings_failed Recordings on this server whose archiving, check, processing or publishing failed.
# TYPE bbb_platform_recordings_failed gauge
bbb_platform_recordings_failed ${failed_count}
EOF
# node_exporter runs as nobody; mktemp creates the file for root only.
chmod 0644 "${temporary}"
mv -f "${temporary}" "${OUTPUT}"
