export * from './connection-state.ts';
export * from './messages.ts';
export * from './extension-identity.ts';
export * from './api/problem.ts';
export * from './api/auth.ts';
export * from './api/devices.ts';
export * from './api/x-cookies.ts';
