/** ionoscloud/test_constants.go (v6.7.12): the error every immutability check returns. */
export const IMMUTABLE = 'attribute is immutable, therefore not allowed in update requests';
