export * from '../modules/accounts/accounts.table.ts';
export * from '../modules/devices/devices.table.ts';
export * from '../modules/x-connection/x-connection.table.ts';
