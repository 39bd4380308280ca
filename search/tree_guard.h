/* tree_guard.h — see tree_guard.c. */
#pragma once

#ifdef __cplusplus
extern "C" {
#endif

/* Runs callback(context); 0, or 1 when it ended in a Wireshark exception. */
int xtractr_guarded(void (*callback)(void *), void *context);

#ifdef __cplusplus
}
#endif
