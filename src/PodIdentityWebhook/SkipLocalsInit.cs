// Locals and stackalloc buffers start as whatever the stack held instead of being zeroed first.
// The compiler sees to it that locals are written before they are read, and every stackalloc in
// this project is only read as far as it was written; zeroing them cost every review the
// decision line's two 4 KB scratch buffers, among others.
[module: System.Runtime.CompilerServices.SkipLocalsInit]
