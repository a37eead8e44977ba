// A synchronous module with an async dependency: evaluated after tla_leaf.mjs finishes.
import { order } from "./order_log.mjs";
import { leaf } from "./tla_leaf.mjs";
order.push("mid sees " + leaf);
export const mid = "mid";
