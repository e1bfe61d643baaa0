export { TurnServers, type TurnServersProps } from './turn-servers';
export { renderTurnCloudConfig, COTURN_SERVICE, type TurnMachine } from './turn-cloud-config';
export { turnInboundRules, TURN_PORT, TURN_RELAY_PORTS, TURN_TLS_PORT } from './firewall';
