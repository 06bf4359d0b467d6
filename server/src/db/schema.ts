export * from '../modules/accounts/accounts.table.ts';
export * from '../modules/devices/devices.table.ts';
export * from '../modules/x-connection/x-connection.table.ts';
export * from '../modules/contacts/contacts.table.ts';
export * from '../modules/interactions/interactions.table.ts';
export * from '../modules/notifications/notifications.table.ts';
export * from '../modules/recent-tweets/recent-tweets.table.ts';
export * from '../modules/x-dm/x-dm.table.ts';
