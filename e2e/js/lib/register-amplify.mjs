// node --import ./lib/register-amplify.mjs: installs amplify-hooks.mjs.
import { register } from "node:module";

register("./amplify-hooks.mjs", import.meta.url);
