import * as core from '@actions/core';

export async function run(): Promise<void> {
  try {
    core.info('hello');
  } catch (error) {
    core.setFailed(String(error));
  }
}
