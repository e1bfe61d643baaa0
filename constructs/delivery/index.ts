export { deployKey } from './deploy-key';
export { PushedFiles, type PushedFile, type PushedFilesProps } from './pushed-files';
