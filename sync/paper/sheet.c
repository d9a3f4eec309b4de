/*
 * sheet.c — the answer-sheet PDF (sheet.h): page layout, text flow over pages, the QR.
 *
 * Layout (A4 portrait, millimetres from the top-left corner; docs/paper.md draws it):
 *   QR            x 168–198, y 12–42, with a white quiet zone of at least 4 modules
 *   code, page    large, right-aligned against x 160, y 12–42 (legible without the QR)
 *   header        y 46 on: institution; discipline; form, group, date, room
 *   body          ticket questions (when known), then the typed answer or ruled lines
 *   footer        y 287: exam id, code, page, attempt id
 * Invariant: nothing but the QR is drawn inside its quiet zone, so a scanner finds the QR
 * in the top-right corner of every page (qrscan.c relies on it).
 *
 * Typed answers are set once with pango into one layout; its lines are then assigned to
 * pages (a first pass that counts pages, since every page says «из Y»), then drawn.
 * Labels are gettext msgids (paper.h), printed in the documents' language: Russian unless
 * `--lang` chose another.
 */
#include "sheet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "paper.h"
#include "payload.h"

#define MM (72.0 / 25.4) /* PDF points in a millimetre */

static const double page_w = 210 * MM, page_h = 297 * MM;
static const double margin_l = 20 * MM, margin_r = 12 * MM, margin_t = 12 * MM;
static const double qr_x = 168 * MM, qr_y = 12 * MM, qr_side = SHEET_QR_MM * MM;
static const double band_right = 160 * MM; /* code and page end here, left of the QR */
static const double header_y = 46 * MM;
static const double body_bottom = 280 * MM;
static const double footer_y = 285 * MM;
static const double rule_step = 8 * MM;

#define FONT "Noto Sans"

enum { PLACEMENTS_MAX = SHEET_PAGES_MAX * 80 }; /* lines: a page holds about 45 */

struct sheet_doc {
    cairo_surface_t *surface;
    cairo_t *cr;
    const keys_pair *kp;
    char *path;
    FILE *f;
    bool write_failed; /* a short write: cairo's own file output would not report it */
    int write_errno;
};

static cairo_status_t write_file(void *closure, const unsigned char *data, unsigned int length)
{
    sheet_doc *d = closure;
    if (d->write_failed || fwrite(data, 1, length, d->f) != length) {
        if (!d->write_failed)
            d->write_errno = errno;
        d->write_failed = true;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

bilet_status sheet_doc_create(const char *path, const keys_pair *kp, sheet_doc **out,
                              bilet_err *err)
{
    *out = NULL;
    paper_fonts_init();
    paper_language_default();
    sheet_doc *d = calloc(1, sizeof *d);
    if (!d || !(d->path = strdup(path))) {
        free(d);
        return bilet_fail(err, BILET_ENOMEM, "%s: no memory", path);
    }
    d->kp = kp;
    if (!(d->f = fopen(path, "wb"))) {
        bilet_status st =
            bilet_fail(err, BILET_EIO, "%s: cannot create the PDF (%s)", path, strerror(errno));
        sheet_doc_destroy(d);
        return st;
    }
    d->surface = cairo_pdf_surface_create_for_stream(write_file, d, page_w, page_h);
    if (cairo_surface_status(d->surface) != CAIRO_STATUS_SUCCESS) {
        bilet_status st = bilet_fail(err, BILET_EIO, "%s: cannot create the PDF (%s)", path,
                                     cairo_status_to_string(cairo_surface_status(d->surface)));
        sheet_doc_destroy(d);
        return st;
    }
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_TITLE, _("Answer sheet"));
    cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATOR, "bilet");
    d->cr = cairo_create(d->surface);
    *out = d;
    return BILET_OK;
}

void sheet_doc_destroy(sheet_doc *d)
{
    if (!d)
        return;
    if (d->cr)
        cairo_destroy(d->cr);
    if (d->surface)
        cairo_surface_destroy(d->surface);
    if (d->f)
        fclose(d->f);
    free(d->path);
    free(d);
}

void sheet_release_fonts(void)
{
    /* Not cairo_debug_reset_static_data(): it asserts when a font face is still referenced
     * (poppler's font engine keeps some), and cairo's caches stay reachable anyway. Nor
     * FcFini(): pango may still hold fontconfig's caches (its font map loads them on a
     * thread of its own), and fontconfig then aborts on its assertion
     * `fcCacheChains[i] == NULL` at exit — seen once in `bilet documents --central`.
     * What fontconfig keeps lives as long as the process (tests/lsan.supp). */
    pango_cairo_font_map_set_default(NULL);
}

bilet_status sheet_doc_finish(sheet_doc *d, bilet_err *err)
{
    cairo_destroy(d->cr);
    d->cr = NULL;
    cairo_surface_finish(d->surface);
    cairo_status_t cs = cairo_surface_status(d->surface);
    int closed = fclose(d->f);
    int close_errno = errno;
    d->f = NULL;
    if (d->write_failed)
        return bilet_fail(err, BILET_EIO, "%s: writing the PDF failed (%s)", d->path,
                          strerror(d->write_errno ? d->write_errno : EIO));
    if (cs != CAIRO_STATUS_SUCCESS)
        return bilet_fail(err, BILET_EIO, "%s: writing the PDF failed (%s)", d->path,
                          cairo_status_to_string(cs));
    if (closed != 0)
        return bilet_fail(err, BILET_EIO, "%s: writing the PDF failed (%s)", d->path,
                          strerror(close_errno));
    return BILET_OK;
}

/* A layout of text in the given font ("Noto Sans Bold 12"), wrapped at width points
 * (0: no wrapping). */
static PangoLayout *text_layout(cairo_t *cr, const char *font, const char *text, double width)
{
    PangoLayout *l = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    if (width > 0) {
        pango_layout_set_width(l, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_text(l, text, -1);
    return l;
}

static double layout_height(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

static double layout_width(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)w / PANGO_SCALE;
}

/* Draws text at (x, y) (top-left), or right-aligned to x when right is set; returns the
 * height drawn. */
static double draw_text(cairo_t *cr, const char *font, const char *text, double x, double y,
                        double width, bool right)
{
    PangoLayout *l = text_layout(cr, font, text, width);
    double h = layout_height(l);
    cairo_move_to(cr, right ? x - layout_width(l) : x, y);
    pango_cairo_show_layout(cr, l);
    g_object_unref(l);
    return h;
}

/* "2026-12-20" as «20.12.2026»; anything else as it is. */
static void format_date(const char *iso, char *out, size_t cap)
{
    if (strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-')
        snprintf(out, cap, "%.2s.%.2s.%.4s", iso + 8, iso + 5, iso);
    else
        snprintf(out, cap, "%s", iso);
}

/* The header lines under the band; returns the y where the body starts. Draws only when
 * draw is set (the first call measures). */
static double header(cairo_t *cr, const exam_info *in, const sheet_set *set, bool draw)
{
    double width = page_w - margin_l - margin_r;
    char line[1024], date[EXAM_SHORT_MAX + 16];
    double y = header_y;
    struct {
        const char *font;
        char text[1024];
    } rows[4];
    size_t n = 0;
    if (in->institution[0]) {
        rows[n].font = FONT " 10";
        snprintf(rows[n++].text, sizeof rows[0].text, "%s", in->institution);
    }
    rows[n].font = FONT " Bold 12";
    snprintf(rows[n++].text, sizeof rows[0].text, _("Discipline: %s"),
             in->discipline[0] ? in->discipline : "—");
    format_date(in->date, date, sizeof date);
    /* Without the exam directory (a typed answer printed from the log alone) only the id is
     * known: no form is claimed. */
    if (in->discipline[0])
        snprintf(line, sizeof line, _("Form: %s   Group: %s   Date: %s   Room: %s"),
                 paper_form_title(in->form), in->group[0] ? in->group : "—", date[0] ? date : "—",
                 in->room[0] ? in->room : "—");
    else
        snprintf(line, sizeof line, _("Exam %s"), in->id);
    rows[n].font = FONT " 10";
    snprintf(rows[n++].text, sizeof rows[0].text, "%s", line);
    rows[n].font = FONT " 8.5";
    const char *note =
        set->answer ? _("The answer was typed at a terminal and is graded by the sheet code.")
        : set->record_book
            ? _("Do not write your name on the sheet. Write only inside the ruled area.")
            : _("Do not write your name or record-book number on the sheet. Write only inside the "
                "ruled area.");
    snprintf(rows[n++].text, sizeof rows[0].text, "%s", note);
    for (size_t i = 0; i < n; i++) {
        PangoLayout *l = text_layout(cr, rows[i].font, rows[i].text, width);
        if (draw) {
            cairo_move_to(cr, margin_l, y);
            pango_cairo_show_layout(cr, l);
        }
        y += layout_height(l) + 1 * MM;
        g_object_unref(l);
    }
    if (draw) {
        cairo_set_line_width(cr, 0.6);
        cairo_move_to(cr, margin_l, y + 1 * MM);
        cairo_line_to(cr, page_w - margin_r, y + 1 * MM);
        cairo_stroke(cr);
    }
    return y + 4 * MM;
}

/* The QR of text, qr_side wide at the fixed place, dark modules as one filled path. */
static bilet_status draw_qr(cairo_t *cr, const char *text, bilet_err *err)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_Q, QR_MODE_8, 1);
    if (!qr)
        return bilet_fail(err, BILET_EINVAL, "the QR payload does not fit a QR code");
    double m = qr_side / qr->width;
    cairo_save(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, qr_x - 4 * m, qr_y - 4 * m, qr_side + 8 * m, qr_side + 8 * m);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int y = 0; y < qr->width; y++) {
        const unsigned char *row = qr->data + (size_t)y * (size_t)qr->width;
        for (int x = 0; x < qr->width;) {
            if (!(row[x] & 1)) {
                x++;
                continue;
            }
            int run = x;
            while (run < qr->width && (row[run] & 1))
                run++;
            cairo_rectangle(cr, qr_x + x * m, qr_y + y * m, (run - x) * m, m);
            x = run;
        }
    }
    cairo_fill(cr);
    cairo_restore(cr);
    QRcode_free(qr);
    return BILET_OK;
}

/* Everything a page shows but its body: band (title, code, page, QR), header, footer. */
static bilet_status draw_frame(sheet_doc *d, const exam_info *in, const sheet_set *set, int page,
                               int pages, bilet_err *err)
{
    cairo_t *cr = d->cr;
    char text[PAYLOAD_TEXT_MAX];
    bilet_status st = payload_format(d->kp, in->id, set->code, page, pages, text, NULL, err);
    if (st != BILET_OK)
        return st;
    cairo_set_source_rgb(cr, 0, 0, 0);
    double th = draw_text(cr, FONT " Bold 13", _("ANSWER SHEET"), margin_l, margin_t, 0, false);
    if (set->answer)
        draw_text(cr, FONT " 9", _("typed at a terminal"), margin_l, margin_t + th, 0, false);
    draw_text(cr, FONT " 8.5", set->record_book ? _("Record book") : _("Sheet code"), band_right,
              margin_t, 0, true);
    /* A long record-book number is set smaller so that it never runs into the title. */
    PangoLayout *probe = text_layout(cr, FONT " Bold 26", set->code, 0);
    bool wide = layout_width(probe) > 80 * MM;
    g_object_unref(probe);
    double h = draw_text(cr, wide ? FONT " Bold 16" : FONT " Bold 26", set->code, band_right,
                         margin_t + 3.5 * MM, 0, true);
    char pg[64];
    snprintf(pg, sizeof pg, _("page %d of %d"), page, pages);
    draw_text(cr, FONT " Bold 16", pg, band_right, margin_t + 3.5 * MM + h, 0, true);
    st = draw_qr(cr, text, err);
    if (st != BILET_OK)
        return st;
    header(cr, in, set, true);

    char foot[512], exam_part[128], code_part[128], attempt_part[160] = "";
    snprintf(exam_part, sizeof exam_part, _("exam %s"), in->id);
    snprintf(code_part, sizeof code_part, _("code %s"), set->code);
    snprintf(pg, sizeof pg, _("page %d of %d"), page, pages);
    if (set->attempt_id) {
        char tmp[128];
        snprintf(tmp, sizeof tmp, _("attempt %s"), set->attempt_id);
        snprintf(attempt_part, sizeof attempt_part, " · %s", tmp);
    }
    snprintf(foot, sizeof foot, "bilet · %s · %s · %s%s", exam_part, code_part, pg, attempt_part);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    draw_text(cr, FONT " 7.5", foot, margin_l, footer_y, page_w - margin_l - margin_r, false);
    cairo_set_source_rgb(cr, 0, 0, 0);
    return BILET_OK;
}

/* The ticket's text: «Билет № N» and its questions, one paragraph each. */
static char *ticket_text(const sheet_set *set)
{
    size_t cap = 64;
    if (set->ticket)
        for (size_t i = 0; i < set->ticket->n_questions; i++)
            cap += strlen(set->ticket->question[i].text) + 64;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    int number = set->ticket ? set->ticket->number : set->ticket_number;
    size_t pos = (size_t)snprintf(out, cap, _("Ticket No. %d"), number);
    int q = 0;
    for (size_t i = 0; set->ticket && i < set->ticket->n_questions; i++) {
        const exam_question *qu = &set->ticket->question[i];
        int k = qu->kind == QUESTION_TASK
                    ? snprintf(out + pos, cap - pos, "\n%s. %s", _("Task"), qu->text)
                    : snprintf(out + pos, cap - pos, "\n%d. %s", ++q, qu->text);
        if (k > 0 && (size_t)k < cap - pos)
            pos += (size_t)k;
    }
    return out;
}

/* One line of a layout placed on a page. */
typedef struct placement {
    int block; /* 0 the ticket, 1 the answer */
    int line;
    int page;
    double baseline;
} placement;

/* Assigns the lines of blocks[0..n) to pages from y on page 1, body_top on the next ones.
 * Writes placements into out (cap) and the pages used into *pages. A gap of gap points
 * separates blocks. */
static bilet_status flow(PangoLayout *const *blocks, size_t n, double body_top, double gap,
                         placement *out, size_t cap, size_t *n_out, int *pages, double *end_y,
                         bilet_err *err)
{
    int page = 1;
    double y = body_top;
    size_t k = 0;
    for (size_t b = 0; b < n; b++) {
        if (!blocks[b])
            continue;
        if (b > 0 && y > body_top)
            y += gap;
        PangoLayoutIter *it = pango_layout_get_iter(blocks[b]);
        int line = 0;
        do {
            PangoRectangle logical;
            pango_layout_iter_get_line_extents(it, NULL, &logical);
            double lh = (double)logical.height / PANGO_SCALE;
            double base = (double)(pango_layout_iter_get_baseline(it) - logical.y) / PANGO_SCALE;
            if (y + lh > body_bottom && y > body_top) {
                page++;
                y = body_top;
            }
            if (page > SHEET_PAGES_MAX || k >= cap) {
                pango_layout_iter_free(it);
                return bilet_fail(err, BILET_ETOOBIG, "the answer needs more than %d pages",
                                  SHEET_PAGES_MAX);
            }
            out[k++] = (placement){ (int)b, line, page, y + base };
            y += lh;
            line++;
        } while (pango_layout_iter_next_line(it));
        pango_layout_iter_free(it);
    }
    *n_out = k;
    *pages = page;
    *end_y = y;
    return BILET_OK;
}

static void draw_rules(cairo_t *cr, double from)
{
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr, 0.4);
    for (double y = from + rule_step; y <= body_bottom; y += rule_step) {
        cairo_move_to(cr, margin_l, y);
        cairo_line_to(cr, page_w - margin_r, y);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

bilet_status sheet_doc_add(sheet_doc *d, const exam_info *in, const sheet_set *set, int *pages_out,
                           bilet_err *err)
{
    if (pages_out)
        *pages_out = 0;
    if (!set->code || !set->code[0])
        return bilet_fail(err, BILET_EINVAL, "a sheet needs a sheet code");
    if (!set->answer && (set->pages < 1 || set->pages > SHEET_PAGES_MAX))
        return bilet_fail(err, BILET_EINVAL, "--pages %d: a set has 1 to %d pages", set->pages,
                          SHEET_PAGES_MAX);
    /* Check the payload once up front, so that a bad id fails before any page is drawn. */
    char probe[PAYLOAD_TEXT_MAX];
    bilet_status st = payload_format(d->kp, in->id, set->code, 1, 1, probe, NULL, err);
    if (st != BILET_OK)
        return st;

    cairo_t *cr = d->cr;
    double width = page_w - margin_l - margin_r;
    double body_top = header(cr, in, set, false);
    char *tt = NULL;
    PangoLayout *blocks[3] = { NULL, NULL, NULL };
    placement *pl = NULL;
    size_t n_pl = 0;
    int pages = set->answer ? 1 : set->pages;
    double end_y = body_top;

    if (set->ticket || set->ticket_number > 0) {
        tt = ticket_text(set);
        if (!tt) {
            st = bilet_fail(err, BILET_ENOMEM, "no memory for the ticket's text");
            goto out_free;
        }
        blocks[0] = text_layout(cr, FONT " 10", tt, width);
    }
    if (set->answer) {
        blocks[1] = text_layout(cr, FONT " Bold 11", _("Answer:"), width);
        blocks[2] = text_layout(cr, FONT " 11",
                                set->answer[0] ? set->answer : _("(the answer is empty)"), width);
    }
    pl = malloc(PLACEMENTS_MAX * sizeof *pl);
    if (!pl) {
        st = bilet_fail(err, BILET_ENOMEM, "no memory to lay out the answer");
        goto out_free;
    }
    int flowed = 1;
    st = flow(blocks, 3, body_top, 4 * MM, pl, PLACEMENTS_MAX, &n_pl, &flowed, &end_y, err);
    if (st != BILET_OK)
        goto out_free;
    if (set->answer)
        pages = flowed;
    else if (flowed > pages)
        pages = flowed; /* questions longer than the pages asked for */

    size_t k = 0;
    for (int page = 1; page <= pages; page++) {
        st = draw_frame(d, in, set, page, pages, err);
        if (st != BILET_OK)
            goto out_free;
        double last_y = body_top;
        for (; k < n_pl && pl[k].page == page; k++) {
            PangoLayoutLine *line = pango_layout_get_line_readonly(blocks[pl[k].block], pl[k].line);
            cairo_move_to(cr, margin_l, pl[k].baseline);
            pango_cairo_show_layout_line(cr, line);
            last_y = pl[k].baseline + 2 * MM;
        }
        if (!set->answer)
            draw_rules(cr, page == flowed ? (last_y > end_y ? last_y : end_y) : last_y);
        cairo_show_page(cr);
        if (cairo_status(cr) != CAIRO_STATUS_SUCCESS) {
            st = bilet_fail(err, BILET_EIO, "%s: drawing failed (%s)", d->path,
                            cairo_status_to_string(cairo_status(cr)));
            goto out_free;
        }
    }
    if (pages_out)
        *pages_out = pages;

out_free:
    for (size_t i = 0; i < 3; i++)
        if (blocks[i])
            g_object_unref(blocks[i]);
    free(pl);
    free(tt);
    return st;
}
