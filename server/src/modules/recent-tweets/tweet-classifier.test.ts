import { describe, expect, it } from 'vitest';
import { defaultClaudeModel, loadConfig } from '../../config.ts';
import { createLogger } from '../../lib/logger.ts';
import { createTweetClassifier } from './tweet-classifier.ts';

const logger = createLogger({ level: 'silent' });

describe('which classifier', () => {
  it('is the local rules without ANTHROPIC_API_KEY (an empty one counts as none)', () => {
    for (const env of [{}, { ANTHROPIC_API_KEY: '' }]) {
      const config = loadConfig(env);
      expect(config.anthropic).toBeNull();
      expect(createTweetClassifier({ anthropic: config.anthropic, logger }).name).toBe('local');
    }
  });

  it('is Claude with a key: the default model, or ANTHROPIC_MODEL, at ANTHROPIC_BASE_URL', () => {
    const plain = loadConfig({ ANTHROPIC_API_KEY: 'sk-ant-x' });
    expect(plain.anthropic).toEqual({
      apiKey: 'sk-ant-x',
      baseUrl: 'https://api.anthropic.com',
      model: defaultClaudeModel,
    });
    expect(createTweetClassifier({ anthropic: plain.anthropic, logger }).name).toBe(
      `claude:${defaultClaudeModel}`,
    );
    const custom = loadConfig({
      ANTHROPIC_API_KEY: 'sk-ant-x',
      ANTHROPIC_MODEL: 'claude-sonnet-5-5',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:9999',
    });
    expect(custom.anthropic).toMatchObject({
      model: 'claude-sonnet-5-5',
      baseUrl: 'http://127.0.0.1:9999',
    });
  });

  it('refuses a base URL that is not a URL, without echoing the key', () => {
    expect(() =>
      loadConfig({ ANTHROPIC_API_KEY: 'sk-ant-secret', ANTHROPIC_BASE_URL: 'not a url' }),
    ).toThrow(/ANTHROPIC_BASE_URL/);
    try {
      loadConfig({ ANTHROPIC_API_KEY: 'sk-ant-secret', ANTHROPIC_BASE_URL: 'not a url' });
    } catch (error) {
      expect((error as Error).message).not.toContain('sk-ant-secret');
    }
  });
});
