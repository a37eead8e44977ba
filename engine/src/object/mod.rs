//! Objects: shapes, property storage, dense arrays, the ordinary and exotic internal methods.
