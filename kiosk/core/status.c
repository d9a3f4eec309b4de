/*
 * status.c — formatting of error messages into the caller's buffer.
 */
#include "status.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "text.h"

/* Keeps status.h's promise that a message is one line of UTF-8. Messages quote what the
 * user's files and the network hold, cut to a byte count ("%.64s", the buffer's size):
 * fuzzing (docs/fuzzing.md) found cuts inside a Cyrillic letter, raw bytes of a file
 * quoted in jansson's and libcsv's words, and a CR that sent the terminal's cursor back.
 * So every byte that is not part of well-formed UTF-8 becomes '?' and every control
 * character a space. */
static void message_scrub(char *msg)
{
    size_t len = strnlen(msg, BILET_ERR_MAX);
    for (size_t i = 0; i < len;) {
        uint32_t cp = 0;
        size_t n = text_utf8_decode(msg + i, len - i, &cp);
        if (n == 0) {
            msg[i] = '?';
            n = 1;
        } else if (cp < 0x20 || cp == 0x7f) {
            msg[i] = ' ';
        }
        i += n;
    }
}

bilet_status bilet_vfail(bilet_err *err, bilet_status st, const char *fmt, va_list ap)
{
    if (err) {
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        message_scrub(err->msg);
    }
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
    message_scrub(err->msg);
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
