//! Bytecode: the opcode list and everything generated from it (enum, names, stack effects,
//! encoder, decoder, disassembler), and `FunctionBytecode`. Front end: no heap, no VM.
