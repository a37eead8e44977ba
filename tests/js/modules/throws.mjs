// Evaluation throws: every import() of it rejects with the same error object.
throw new RangeError("module body failed");
