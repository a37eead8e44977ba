// Linking fails: the requested name is not exported.
import { missing } from "./lib.mjs";
export default missing;
