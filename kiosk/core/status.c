/*
 * status.c — formatting of error messages into the caller's buffer.
 */
#include "status.h"

#include <stdio.h>
#include <string.h>

bilet_status bilet_vfail(bilet_err *err, bilet_status st, const char *fmt, va_list ap)
{
    if (err)
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    return st;
}

bilet_status bilet_fail(bilet_err *err, bilet_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bilet_vfail(err, st, fmt, ap);
    va_end(ap);
    return st;
}

void bilet_err_prefix(bilet_err *err, const char *fmt, ...)
{
    if (!err)
        return;
    char head[BILET_ERR_MAX];
    char tail[BILET_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    memcpy(tail, err->msg, sizeof tail);
    size_t hn = strnlen(head, sizeof head);
    size_t tn = strnlen(tail, sizeof tail - 1);
    if (hn > sizeof err->msg - 1)
        hn = sizeof err->msg - 1;
    if (tn > sizeof err->msg - 1 - hn)
        tn = sizeof err->msg - 1 - hn;
    memcpy(err->msg, head, hn);
    memcpy(err->msg + hn, tail, tn);
    err->msg[hn + tn] = '\0';
}

const char *bilet_status_name(bilet_status st)
{
    switch (st) {
    case BILET_OK:
        return "OK";
    case BILET_EINVAL:
        return "EINVAL";
    case BILET_EPARSE:
        return "EPARSE";
    case BILET_ERULE:
        return "ERULE";
    case BILET_EIO:
        return "EIO";
    case BILET_ENOMEM:
        return "ENOMEM";
    case BILET_EBADSIG:
        return "EBADSIG";
    case BILET_ENOTFOUND:
        return "ENOTFOUND";
    case BILET_EEXIST:
        return "EEXIST";
    case BILET_ECORRUPT:
        return "ECORRUPT";
    case BILET_ESTATE:
        return "ESTATE";
    case BILET_ENET:
        return "ENET";
    case BILET_EPERM:
        return "EPERM";
    case BILET_ETOOBIG:
        return "ETOOBIG";
    }
    return "UNKNOWN";
}

int bilet_status_exit_code(bilet_status st)
{
    switch (st) {
    case BILET_OK:
        return 0;
    case BILET_EINVAL:
    case BILET_EPARSE:
    case BILET_ERULE:
    case BILET_ETOOBIG:
    case BILET_EEXIST:
        return 2;
    default:
        return 1;
    }
}
