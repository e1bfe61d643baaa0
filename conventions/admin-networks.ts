/**
 * The widest network that still counts as a restricted set of admins: a shorter
 * prefix is counted as the whole internet, so splitting 0.0.0.0/0 into halves does
 * not slip through. Environment files refuse wider `adminCidrs`; the policy pack
 * counts a wider firewall source as open to everyone.
 */
export const WIDEST_RESTRICTED_PREFIX = { ipv4: 8, ipv6: 16 } as const;
