export { Network, type NetworkProps, type PublicAddress } from './network';
export { PRIVATE_CIDR, privateAddress, withPrefix } from './address-plan';
