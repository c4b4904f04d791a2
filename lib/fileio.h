#ifndef SEVQEMU_FILEIO_H
#define SEVQEMU_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Reads FD until end of file or CAP bytes, whichever comes first, retrying
 * when a signal interrupts: the number of bytes read, or -1 with errno.
 * A caller that must refuse an over-long file asks for one byte more than
 * it accepts.
 */
ssize_t read_up_to(int fd, void *buf, size_t cap);

#endif
