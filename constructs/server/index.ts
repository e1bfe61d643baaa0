export { FIRST_BOOT_ATTRIBUTES, PlatformServer, UBUNTU_IMAGE, type InboundRule, type PlatformServerProps } from './platform-server';
