export { PlatformServer, UBUNTU_IMAGE, type InboundRule, type PlatformServerProps } from './platform-server';
