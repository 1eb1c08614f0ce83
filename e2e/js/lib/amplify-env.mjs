// Stands in for Amplify's generated `$amplify/env/<function>` module: the
// function's environment, typed by Amplify, is process.env at run time.
export const env = process.env;
