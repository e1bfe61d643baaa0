/**
 * Servers, NICs and volumes, from ionos-cloud/terraform-provider-ionoscloud v6.7.12
 * ionoscloud/resource_server.go, resource_nic.go and resource_volume.go: ForceNew
 * attributes, ValidateDiagFunc checks, ConflictsWith, Deprecated messages and the
 * CustomizeDiff immutability checks; the values the API returns for a new server
 * (running, its inline volume and NIC with ids, the NIC's first address as primary_ip).
 */
import type { ResourceBehaviour } from '../../engine/behaviour';
import { intBetween, isUuid, lengthBetween, notWhiteSpace, oneOf } from '../../engine/checks';
import type { Diagnostics } from '../../engine/diagnostics';
import { isObject, isUnknown, type ObjectValue, type Value } from '../../values/value';
import { mac, uuid } from './cloud-values';
import { refuseImmutableChanges } from './immutable';

const SERVER_ZONES = ['AUTO', 'ZONE_1', 'ZONE_2'];
const VOLUME_ZONES = ['AUTO', 'ZONE_1', 'ZONE_2', 'ZONE_3'];
/** constant.VMStateStart, VMStateStop, CubeVMStateStop. */
const VM_STATES = ['RUNNING', 'SHUTOFF', 'SUSPENDED'];

export const server: ResourceBehaviour = {
  replaceOn: [
    'template_uuid',
    'availability_zone',
    'datacenter_id',
    'image_name',
    'volume.disk_type',
    'volume.ssh_keys',
    'volume.availability_zone',
    'volume.backup_unit_id',
    'volume.user_data',
    'nic.mac',
  ],
  checks: {
    name: notWhiteSpace,
    hostname: [notWhiteSpace, lengthBetween(1, 63)],
    availability_zone: oneOf(SERVER_ZONES, true),
    boot_cdrom: isUuid,
    type: oneOf(['CUBE', 'ENTERPRISE'], true),
    datacenter_id: notWhiteSpace,
    vm_state: oneOf(VM_STATES, true),
    'volume.disk_type': notWhiteSpace,
    'volume.availability_zone': oneOf(VOLUME_ZONES, true),
    'nic.firewall.protocol': notWhiteSpace,
    'nic.firewall.port_range_start': intBetween(1, 65534),
    'nic.firewall.port_range_end': intBetween(1, 65534),
  },
  deprecated: {
    ssh_key_path: 'Will be renamed to ssh_keys in the future, to allow users to set both the ssh key path or directly the ssh key',
    boot_cdrom: "Please use the 'ionoscloud_server_boot_device_selection' resource for managing the boot device of the server.",
    'volume.image_password': 'Please use image_password under server level',
    'volume.ssh_key_path': 'Please use ssh_key_path under server level',
    'volume.ssh_keys': 'Please use ssh_keys under server level',
  },
  validate(config, diagnostics) {
    const volume = firstElement(config.volume);
    const set = { ...prefixed('', config), ...prefixed('volume.0.', volume) };
    conflicts(diagnostics, set, 'image_password', ['volume.0.image_password']);
    conflicts(diagnostics, set, 'ssh_key_path', ['volume.0.ssh_key_path', 'volume.0.ssh_keys', 'ssh_keys']);
    conflicts(diagnostics, set, 'ssh_keys', ['volume.0.ssh_key_path', 'volume.0.ssh_keys', 'ssh_key_path']);
  },
  plan(context) {
    refuseImmutableChanges(
      context,
      [
        { pattern: 'image_name', named: 'image_name' },
        { pattern: 'nic.mac', named: 'nic mac' },
        { pattern: 'template_uuid', named: 'template_uuid' },
        { pattern: 'availability_zone', named: 'availability_zone' },
        { pattern: 'volume.user_data', named: 'volume.0.user_data' },
        { pattern: 'volume.backup_unit_id', named: 'volume.0.backup_unit_id' },
        { pattern: 'volume.disk_type', named: 'volume.0.disk_type' },
        { pattern: 'volume.availability_zone', named: 'volume.0.availability_zone' },
      ],
      { allowReplace: true },
    );
  },
  assign(state) {
    if (!isUnknown(state.id)) return;
    const serverId = uuid();
    const volume = firstElement(state.volume);
    const nic = firstElement(state.nic);
    const volumeId = volume ? uuid() : null;
    setUnknown(state, {
      id: serverId,
      hostname: state.name,
      vm_state: 'RUNNING',
      availability_zone: 'AUTO',
      type: 'ENTERPRISE',
      cpu_family: 'INTEL_ICELAKE',
      boot_volume: volumeId,
      boot_image: volume ? uuid() : null,
      inline_volume_ids: volumeId ? [volumeId] : [],
    });
    if (volume) {
      setUnknown(volume, {
        size: 10,
        bus: 'VIRTIO',
        licence_type: 'LINUX',
        availability_zone: 'AUTO',
        cpu_hot_plug: true,
        ram_hot_plug: true,
        nic_hot_plug: true,
        nic_hot_unplug: true,
        disc_virtio_hot_plug: true,
        disc_virtio_hot_unplug: true,
        device_number: 1,
        pci_slot: 6,
        boot_server: serverId,
        expose_serial: false,
      });
    }
    if (nic) {
      assignNic(nic, 7);
      const rules = Array.isArray(nic.firewall) ? nic.firewall.filter(isObject) : [];
      for (const rule of rules) setUnknown(rule, { id: uuid(), type: 'INGRESS' });
      const ips = Array.isArray(nic.ips) ? nic.ips : [];
      setUnknown(state, {
        primary_nic: nic.id,
        primary_ip: typeof ips[0] === 'string' ? ips[0] : null,
        firewallrule_id: rules.length > 0 ? rules[0].id : null,
        firewallrule_ids: rules.map((rule) => rule.id),
      });
    }
  },
};

export const nic: ResourceBehaviour = {
  replaceOn: ['server_id', 'datacenter_id', 'mac'],
  checks: { server_id: notWhiteSpace, datacenter_id: notWhiteSpace },
  assign(state) {
    if (isUnknown(state.id)) assignNic(state, 8);
  },
};

export const volume: ResourceBehaviour = {
  replaceOn: ['datacenter_id'],
  checks: {
    disk_type: notWhiteSpace,
    availability_zone: oneOf(VOLUME_ZONES, true),
    server_id: notWhiteSpace,
    datacenter_id: notWhiteSpace,
  },
  plan(context) {
    refuseImmutableChanges(context, [
      { pattern: 'availability_zone', named: 'availability_zone' },
      { pattern: 'user_data', named: 'user_data' },
      { pattern: 'backup_unit_id', named: 'backup_unit_id' },
      { pattern: 'image_name', named: 'image_name' },
      { pattern: 'disk_type', named: 'disk_type' },
    ]);
  },
  assign(state) {
    if (!isUnknown(state.id)) return;
    setUnknown(state, {
      id: uuid(),
      bus: 'VIRTIO',
      licence_type: 'UNKNOWN',
      availability_zone: 'AUTO',
      cpu_hot_plug: false,
      ram_hot_plug: false,
      nic_hot_plug: false,
      nic_hot_unplug: false,
      disc_virtio_hot_plug: true,
      disc_virtio_hot_unplug: true,
      device_number: 2,
      pci_slot: 7,
      boot_server: null,
      expose_serial: false,
    });
  },
};

function assignNic(nicState: ObjectValue, pciSlot: number): void {
  const ips = nicState.ips;
  setUnknown(nicState, {
    id: uuid(),
    mac: mac(),
    firewall_type: 'INGRESS',
    device_number: pciSlot - 6,
    pci_slot: pciSlot,
  });
  // IONOS gives a NIC without requested addresses one of its own.
  if (isUnknown(ips) || (Array.isArray(ips) && ips.length === 0)) nicState.ips = isUnknown(ips) ? [] : ips;
}

/** Sets the values that are still unknown; configured ones stay as planned. */
function setUnknown(target: ObjectValue, values: Record<string, Value>): void {
  for (const [name, value] of Object.entries(values)) if (isUnknown(target[name])) target[name] = value;
}

function firstElement(value: Value | undefined): ObjectValue | null {
  return Array.isArray(value) && isObject(value[0]) ? value[0] : null;
}

function prefixed(prefix: string, object: ObjectValue | null): Record<string, Value> {
  return Object.fromEntries(Object.entries(object ?? {}).map(([key, value]) => [`${prefix}${key}`, value]));
}

/**
 * SDKv2's ConflictsWith (helper/schema/schema.go validateConflictingAttributes): an
 * attribute set together with one it conflicts with is an error, `"<key>": conflicts
 * with <other>`.
 */
function conflicts(diagnostics: Diagnostics, set: Record<string, Value>, key: string, others: readonly string[]): void {
  if (!present(set[key])) return;
  for (const other of others) {
    if (present(set[other])) diagnostics.error(`"${key}": conflicts with ${other}`, undefined, key.split('.').map((step) => (/^\d+$/.test(step) ? Number(step) : step)));
  }
}

function present(value: Value | undefined): boolean {
  return value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
}
