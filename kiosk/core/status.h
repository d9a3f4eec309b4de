/*
 * status.h — the one status enum of bilet and the error buffer every fallible function fills.
 *
 * Every function that can fail returns a bilet_status and, when it fails, writes one human
 * message into a caller-lent bilet_err: the file, line and field where there is one, in the
 * words a student, invigilator or clerk would understand. Messages are UTF-8, one line.
 * This module is the base of the project: pure C, no dependency but libc; every other
 * module may include it.
 */
#ifndef BILET_STATUS_H
#define BILET_STATUS_H

#include <stdarg.h>
#include <stddef.h>

typedef enum bilet_status {
    BILET_OK = 0,
    BILET_EINVAL,    /* bad argument or usage */
    BILET_EPARSE,    /* malformed input: file, line and field named in the message */
    BILET_ERULE,     /* input well-formed but against a rule or policy */
    BILET_EIO,       /* file system or device error */
    BILET_ENOMEM,    /* allocation failed or a cap was reached */
    BILET_EBADSIG,   /* a signature or hash did not verify */
    BILET_ENOTFOUND, /* the thing asked for does not exist */
    BILET_EEXIST,    /* the thing to create exists already */
    BILET_ECORRUPT,  /* stored data is damaged */
    BILET_ESTATE,    /* the action is not allowed in the current state */
    BILET_ENET,      /* the network or the peer failed */
    BILET_EPERM,     /* not allowed: role, lockout, file mode */
    BILET_ETOOBIG,   /* input over its cap */
} bilet_status;

enum { BILET_ERR_MAX = 512 };

/* A caller-lent message buffer. A zeroed bilet_err is empty. */
typedef struct bilet_err {
    char msg[BILET_ERR_MAX];
} bilet_err;

/* Writes the message (printf format) into err when err is not NULL; returns st so that a
 * failing path can read `return bilet_fail(err, BILET_EPARSE, "...", ...);`. */
bilet_status bilet_fail(bilet_err *err, bilet_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bilet_status bilet_vfail(bilet_err *err, bilet_status st, const char *fmt, va_list ap);

/* Prefixes the message already in err with the formatted text ("roster.csv: " + msg). */
void bilet_err_prefix(bilet_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A short English name of the status for logs ("EPARSE"); never NULL. */
const char *bilet_status_name(bilet_status st);

/* The exit code the CLI uses for a status: 2 for bad input or usage, 1 otherwise. */
int bilet_status_exit_code(bilet_status st);

#endif
