/*
 * no_dlopen.c - dlopen() for the statically linked talaash.
 *
 * SQLite's unix VFS calls dlopen() to load extensions.  In a static
 * program glibc's dlopen() needs glibc's shared libraries at run time
 * and the linker warns about it; talaash never enables extension
 * loading, so meson.build links it with -Wl,--wrap=dlopen and every
 * call lands here and fails, as a disabled feature should.
 */
#include <stddef.h>

void *__wrap_dlopen(const char *file, int mode);

void *
__wrap_dlopen(const char *file, int mode)
{
    (void)file;
    (void)mode;
    return NULL;
}
