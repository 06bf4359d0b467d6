import { describe, expect, it } from 'vitest';
import { originAllowed, serverPatterns } from './server-patterns';

describe('serverPatterns', () => {
  it('defaults to the local server on both loopback names, without ports', () => {
    expect(serverPatterns()).toEqual(['http://127.0.0.1/*', 'http://localhost/*']);
  });

  it('parses a comma-separated list, dropping ports, blanks and duplicates', () => {
    expect(
      serverPatterns(' https://perch.example.org:8443 ,http://localhost:1,, http://localhost:2'),
    ).toEqual(['https://perch.example.org/*', 'http://localhost/*']);
  });

  it('refuses non-http origins', () => {
    expect(() => serverPatterns('ftp://files.example')).toThrow(/not an http\(s\) origin/);
  });
});

describe('originAllowed', () => {
  const patterns = ['http://127.0.0.1/*', 'https://perch.example.org/*'];
  it('matches any port of an allowed host and scheme', () => {
    expect(originAllowed('http://127.0.0.1:8787', patterns)).toBe(true);
    expect(originAllowed('https://perch.example.org', patterns)).toBe(true);
  });
  it('refuses other hosts and schemes', () => {
    expect(originAllowed('https://127.0.0.1:8787', patterns)).toBe(false);
    expect(originAllowed('http://evil.example', patterns)).toBe(false);
    expect(originAllowed('not a url', patterns)).toBe(false);
  });
});
