/**
 * The extension's identity. The manifest `key` pins the id, so the server can allow exactly this origin (CORS) and
 * the settings page can message exactly this extension. The private key was discarded: Perch never packs a CRX.
 *
 * @example
 * extensionOrigin // 'chrome-extension://ghmmgliiidhacoadkdkgclpifeeigoff'
 */
export const extensionManifestKey =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA0MEXsNB8B9g57jjx7nOIEnRTeoYOKz/BONkIcIsvxw1uV9DHB4RqsgA+nm5v3Rj+eoTYo/NjoAeEq1Fx1N++6XzcRR8Q0dVDYO1e8TETVIwea4SOEyO1F6rVrabykU1aMeogkwoSFrFKohmI2f0doGmgtAOZ1TOJ/ptug0nq29bC+X32I18Ww3Aljw42Pe/GSNIrGKXbeF5PHcSmBk4rgF2eeYluNMx/Cnknf4Mo8dxsMFzjoCa5xE0nFJXLjM8Kk8uRjgKQ3qjNCzlWC/Qo2L3Z6GH8TQ3ptLXBz4My7b7bbTHVSFZ3E37lVC/JkTqUswusWchVDpUg+nM8SxxCRQIDAQAB';

export const extensionId = 'ghmmgliiidhacoadkdkgclpifeeigoff';
export const extensionOrigin = `chrome-extension://${extensionId}`;
