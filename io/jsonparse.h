/*
 * jsonparse.h - cJSON parsing that tells bad JSON from a lack of memory.
 */
#ifndef MM_JSONPARSE_H
#define MM_JSONPARSE_H

#include <cJSON.h>
#include <stddef.h>

/* Parses len bytes of text into *out (the caller frees it with cJSON_Delete).
   Returns MM_OK, MM_EDATA when the text is not JSON that cJSON reads (the
   caller words the message), or MM_ENOMEM when it is but memory ran out. */
int json_parse(const char *text, size_t len, cJSON **out);

/*
 * The first place where text is not what the inputs promise (valid UTF-8:
 * no overlong forms, surrogates or code points over U+10FFFF; no NUL byte
 * and no \u0000 escape, which would cut a string short): its offset, and
 * why in *why; len when there is none. cJSON takes such bytes as they come.
 */
size_t json_text_check(const char *text, size_t len, const char **why);

/* cJSON_ArrayForEach for a container known to be there (an object or array
   just checked with cJSON_IsObject or cJSON_IsArray): the same loop without
   the macro's test of the container for NULL, a branch no input could take. */
#define json_each(item, container) \
    for ((item) = (container)->child; (item) != NULL; (item) = (item)->next)

#endif
