// Test handler (ESM): behaviour chosen by the event.
export const handler = async (event, context) => {
  console.log(`hello from ${context.functionName}: ${event.say ?? ''}`);
  console.error('to stderr');
  if (event.throw) throw new Error(event.throw);
  if (event.throwString) throw event.throwString;
  if (event.hang) return new Promise(() => {});
  if (event.crash) process.exit(3);
  if (event.reject) setTimeout(() => Promise.reject(new Error('late rejection')), 0);
  return { ...event, pid: process.pid, remaining: context.getRemainingTimeInMillis() > 0, key: process.env.AWS_ACCESS_KEY_ID ?? null, extra: process.env.EXTRA ?? null, master: process.env.USERPOOL_MASTER_KEY ?? null };
};
