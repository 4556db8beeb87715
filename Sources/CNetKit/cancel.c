// Trampolines to the Swift runtime's cancellation-handler entry points.
//
// `withTaskCancellationHandler` is a thin wrapper around swift_task_addCancellationHandler and
// swift_task_removeCancellationHandler, but its operation closure costs a parked task about 200 bytes of
// async frames, which pushes every idle connection's task past the task allocator's first 1 KiB slab (a
// second 1 KiB malloc per connection). The poller's park path calls the two entry points itself. Swift
// rejects @_silgen_name on names reserved for the runtime, so it names these trampolines instead: each
// is a single tail jump, which leaves every argument register (and the Swift context register) exactly
// as the caller set it, so the Swift calling convention passes through unchanged.

#if defined(__x86_64__)
__asm__(
    ".text\n"
    ".globl nk_task_add_cancellation_handler\n"
    ".type nk_task_add_cancellation_handler,@function\n"
    "nk_task_add_cancellation_handler:\n"
    "    jmp swift_task_addCancellationHandler@PLT\n"
    ".size nk_task_add_cancellation_handler, .-nk_task_add_cancellation_handler\n"
    ".globl nk_task_remove_cancellation_handler\n"
    ".type nk_task_remove_cancellation_handler,@function\n"
    "nk_task_remove_cancellation_handler:\n"
    "    jmp swift_task_removeCancellationHandler@PLT\n"
    ".size nk_task_remove_cancellation_handler, .-nk_task_remove_cancellation_handler\n"
    ".section .note.GNU-stack,\"\",@progbits\n"
    ".text\n");
#elif defined(__aarch64__)
__asm__(
    ".text\n"
    ".globl nk_task_add_cancellation_handler\n"
    ".type nk_task_add_cancellation_handler,%function\n"
    "nk_task_add_cancellation_handler:\n"
    "    b swift_task_addCancellationHandler\n"
    ".size nk_task_add_cancellation_handler, .-nk_task_add_cancellation_handler\n"
    ".globl nk_task_remove_cancellation_handler\n"
    ".type nk_task_remove_cancellation_handler,%function\n"
    "nk_task_remove_cancellation_handler:\n"
    "    b swift_task_removeCancellationHandler\n"
    ".size nk_task_remove_cancellation_handler, .-nk_task_remove_cancellation_handler\n"
    ".section .note.GNU-stack,\"\",%progbits\n"
    ".text\n");
#endif
