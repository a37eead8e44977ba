// An async dependency: its importers run only after its top-level await settles.
import { order } from "./order_log.mjs";
order.push("leaf start");
await Promise.resolve();
order.push("leaf end");
export const leaf = "leaf";
