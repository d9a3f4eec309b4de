/*
 * documents.c — the documents of a locked exam as A4 PDFs and CSVs (documents.h): the
 * ведомость, commission protocols, appeal protocols and statistics.
 *
 * Layout (A4 portrait, millimetres; docs/documents.md shows it): 20 mm binding margin on the
 * left, 10 mm on the right, body from y 14 to y 280, footer at y 286 with the document's
 * name on the left and «стр. X из Y» on the right. Text is set with pango in Noto Sans;
 * tables draw every cell's border, wrap long text inside its cell, align the first lines of
 * a row on one baseline (so a row reads as one line in pdftotext -layout) and repeat their
 * header on every page they run onto.
 *
 * Every PDF is drawn twice by the same function: once into a discarded PDF stream to count
 * the pages («из Y»), then into the file. Both passes use a PDF surface, so the fonts'
 * metrics and therefore every line break and page break are the same.
 *
 * Files are written as NAME.part and renamed when all of them are complete; on failure the
 * parts are removed, so a folder never holds half a set. CSVs follow report.c: UTF-8 with a
 * BOM, ';' between fields, CRLF, every field quoted (libcsv's writer), so that a Russian
 * Excel opens them as they are.
 */
#include "documents.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <csv.h>
#include <pango/pangocairo.h>

#include "paper.h"

#define MM   (72.0 / 25.4) /* PDF points in a millimetre */
#define FONT "Noto Sans"

static const double page_w = 210 * MM, page_h = 297 * MM;
static const double margin_l = 20 * MM, margin_r = 10 * MM, margin_t = 14 * MM;
static const double body_bottom = 280 * MM;
static const double footer_y = 285 * MM;
static const double content_w = (210 - 20 - 10) * MM;
static const double cell_pad = 1.1 * MM;

enum { TABLE_COLUMNS_MAX = 8, TEXT_MAX = 2048 };

/* ---- text helpers --------------------------------------------------------------------- */

/* "2026-12-20" as «20.12.2026»; anything else as it is; "" stays "". */
static void format_date(const char *iso, char *out, size_t cap)
{
    if (strlen(iso) == 10 && iso[4] == '-' && iso[7] == '-')
        snprintf(out, cap, "%.2s.%.2s.%.4s", iso + 8, iso + 5, iso);
    else
        snprintf(out, cap, "%s", iso);
}

/* A unix time as «20.12.2026 15:30» in local time; "" for 0. */
static void format_time(int64_t t, char *out, size_t cap)
{
    out[0] = '\0';
    if (t <= 0)
        return;
    time_t tt = (time_t)t;
    struct tm tm;
    if (localtime_r(&tt, &tm))
        strftime(out, cap, "%d.%m.%Y %H:%M", &tm);
}

/* A number with one or two decimals, with the decimal comma of Russian and Kazakh. */
static void format_decimal(double x, int decimals, char *out, size_t cap)
{
    snprintf(out, cap, "%.*f", decimals, x);
    if (strcmp(paper_language(), "en") != 0)
        for (char *p = out; *p; p++)
            if (*p == '.')
                *p = ',';
}

/* The grade's words in the document's language (grade_msgid through the catalogs). */
static const char *grade_word_tr(grade g)
{
    const char *msgid = grade_msgid(g);
    return msgid[0] ? _(msgid) : "";
}

const char *documents_grade_text(grade g, char *buf, size_t cap)
{
    if (grade_is_points(g))
        snprintf(buf, cap, "%d (%s)", grade_points(g), grade_word_tr(g));
    else
        snprintf(buf, cap, "%s", grade_word_tr(g));
    return buf;
}

/* The grade a correction replaced, short: the digit, or the word. */
static const char *grade_short(grade g, char *buf, size_t cap)
{
    if (grade_is_points(g))
        snprintf(buf, cap, "%d", grade_points(g));
    else
        snprintf(buf, cap, "%s", grade_word_tr(g));
    return buf;
}

static const char *attempt_text(int attempt)
{
    switch (attempt) {
    case 2:
        return _("first retake");
    case 3:
        return _("second retake, before a commission");
    default:
        return _("first sitting");
    }
}

static bool is_zachet(exam_form f)
{
    return f == EXAM_FORM_ZACHET;
}

/* Names of a list joined with ", " into out. */
static void join_list(const char *const *items, size_t n, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && used < cap; i++) {
        int k = snprintf(out + used, cap - used, "%s%s", i ? ", " : "", items[i]);
        if (k < 0)
            break;
        used += (size_t)k;
    }
}

static void join_exam_list(const exam_list *l, size_t from, char *out, size_t cap)
{
    const char *items[EXAM_LIST_MAX];
    size_t n = 0;
    for (size_t i = from; i < l->n; i++)
        items[n++] = l->item[i];
    join_list(items, n, out, cap);
}

/* ---- a document being drawn ----------------------------------------------------------- */

typedef struct column {
    const char *title;
    double width; /* millimetres */
    PangoAlignment align;
} column;

typedef struct table {
    const column *cols;
    size_t n;
} table;

typedef struct doc {
    cairo_surface_t *surface;
    cairo_t *cr;
    int page;
    int pages; /* known in the second pass; 0 while counting */
    double y;
    double body_top; /* where the body of the current page starts */
    char footer[512];
    char running[768];   /* the line on top of every page after the first; "" none */
    const table *repeat; /* the table whose header repeats on a new page, or NULL */
} doc;

static PangoLayout *make_layout(doc *d, const char *font, const char *text, bool markup,
                                double width, PangoAlignment align)
{
    PangoLayout *l = pango_cairo_create_layout(d->cr);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    /* Sizes are in points of the page: pango's default of 96 dpi would set them a third
     * larger. */
    pango_cairo_context_set_resolution(pango_layout_get_context(l), 72);
    pango_layout_context_changed(l);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    if (width > 0) {
        pango_layout_set_width(l, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_alignment(l, align);
    if (markup)
        pango_layout_set_markup(l, text, -1);
    else
        pango_layout_set_text(l, text, -1);
    return l;
}

static double layout_h(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

static double layout_w(PangoLayout *l)
{
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)w / PANGO_SCALE;
}

/* Draws text at (x, y) top-left (right-aligned to x when right); returns its height. */
static double put_text(doc *d, const char *font, const char *text, double x, double y, bool right)
{
    PangoLayout *l = make_layout(d, font, text, false, 0, PANGO_ALIGN_LEFT);
    double h = layout_h(l);
    cairo_move_to(d->cr, right ? x - layout_w(l) : x, y);
    pango_cairo_show_layout(d->cr, l);
    g_object_unref(l);
    return h;
}

static void draw_row(doc *d, const table *t, const char *const *cells, bool head);

static void page_footer(doc *d)
{
    char right[96];
    snprintf(right, sizeof right, _("page %d of %d"), d->page, d->pages ? d->pages : d->page);
    cairo_save(d->cr);
    cairo_set_source_rgb(d->cr, 0.35, 0.35, 0.35);
    cairo_set_line_width(d->cr, 0.4);
    cairo_move_to(d->cr, margin_l, footer_y - 1.5 * MM);
    cairo_line_to(d->cr, page_w - margin_r, footer_y - 1.5 * MM);
    cairo_stroke(d->cr);
    put_text(d, FONT " 8", d->footer, margin_l, footer_y, false);
    put_text(d, FONT " Bold 8.5", right, page_w - margin_r, footer_y, true);
    cairo_restore(d->cr);
}

static void page_start(doc *d)
{
    d->y = margin_t;
    if (d->page > 1 && d->running[0]) {
        cairo_save(d->cr);
        cairo_set_source_rgb(d->cr, 0.25, 0.25, 0.25);
        PangoLayout *l =
            make_layout(d, FONT " 8.5", d->running, false, content_w, PANGO_ALIGN_LEFT);
        cairo_move_to(d->cr, margin_l, d->y);
        pango_cairo_show_layout(d->cr, l);
        d->y += layout_h(l) + 2 * MM;
        g_object_unref(l);
        cairo_restore(d->cr);
    }
    if (d->page > 1 && d->repeat) {
        const char *titles[TABLE_COLUMNS_MAX];
        for (size_t i = 0; i < d->repeat->n; i++)
            titles[i] = d->repeat->cols[i].title;
        draw_row(d, d->repeat, titles, true);
    }
    d->body_top = d->y;
}

static void page_break(doc *d)
{
    page_footer(d);
    cairo_show_page(d->cr);
    d->page++;
    page_start(d);
}

/* Starts a new page unless h points still fit on this one (or the page is empty). */
static void need(doc *d, double h)
{
    if (d->y + h > body_bottom && d->y > d->body_top + 0.01)
        page_break(d);
}

/* Flows a layout line by line from the current y, breaking pages between lines. */
static void flow(doc *d, PangoLayout *l, double x)
{
    PangoLayoutIter *it = pango_layout_get_iter(l);
    do {
        PangoRectangle log;
        pango_layout_iter_get_line_extents(it, NULL, &log);
        double lh = (double)log.height / PANGO_SCALE;
        double base = (double)(pango_layout_iter_get_baseline(it) - log.y) / PANGO_SCALE;
        need(d, lh);
        cairo_move_to(d->cr, x + (double)log.x / PANGO_SCALE, d->y + base);
        pango_cairo_show_layout_line(d->cr, pango_layout_iter_get_line_readonly(it));
        d->y += lh;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
}

/* A paragraph of markup, indent millimetres in, followed by after millimetres of space. */
static void par(doc *d, const char *font, const char *markup, double indent, PangoAlignment align,
                double after)
{
    PangoLayout *l = make_layout(d, font, markup, true, content_w - indent * MM, align);
    flow(d, l, margin_l + indent * MM);
    g_object_unref(l);
    d->y += after * MM;
}

/* A paragraph "<b>label:</b> value" (both escaped). */
static void field(doc *d, const char *font, const char *label, const char *value, double indent,
                  double after)
{
    char *m = g_markup_printf_escaped("<b>%s:</b> %s", label, value);
    par(d, font, m, indent, PANGO_ALIGN_LEFT, after);
    g_free(m);
}

/* A plain-text paragraph. */
static void plain(doc *d, const char *font, const char *text, double indent, PangoAlignment align,
                  double after)
{
    char *m = g_markup_escape_text(text, -1);
    par(d, font, m, indent, align, after);
    g_free(m);
}

/* One table row of markup cells; a body row that does not fit starts a new page first,
 * whose start repeats the header. Header cells are bold, centred, on grey. */
static void draw_row(doc *d, const table *t, const char *const *cells, bool head)
{
    PangoLayout *ls[TABLE_COLUMNS_MAX];
    double h = 0;
    for (size_t i = 0; i < t->n; i++) {
        char *m = head ? g_markup_escape_text(cells[i], -1) : NULL;
        ls[i] = make_layout(d, head ? FONT " Bold 8.5" : FONT " 10", head ? m : cells[i], true,
                            t->cols[i].width * MM - 2 * cell_pad,
                            head ? PANGO_ALIGN_CENTER : t->cols[i].align);
        g_free(m);
        double lh = layout_h(ls[i]);
        if (lh > h)
            h = lh;
    }
    h += 2 * cell_pad;
    if (!head)
        need(d, h);
    cairo_t *cr = d->cr;
    double x = margin_l;
    cairo_save(cr);
    cairo_set_line_width(cr, 0.5);
    for (size_t i = 0; i < t->n; i++) {
        double w = t->cols[i].width * MM;
        if (head) {
            cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
            cairo_rectangle(cr, x, d->y, w, h);
            cairo_fill(cr);
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_rectangle(cr, x, d->y, w, h);
        cairo_stroke(cr);
        double top = head ? d->y + (h - layout_h(ls[i])) / 2 : d->y + cell_pad;
        cairo_move_to(cr, x + cell_pad, top);
        pango_cairo_show_layout(cr, ls[i]);
        g_object_unref(ls[i]);
        x += w;
    }
    cairo_restore(cr);
    d->y += h;
}

/* Starts a table: its header, kept with room for a first row. */
static void table_begin(doc *d, const table *t)
{
    need(d, 20 * MM);
    const char *titles[TABLE_COLUMNS_MAX];
    for (size_t i = 0; i < t->n; i++)
        titles[i] = t->cols[i].title;
    draw_row(d, t, titles, true);
    d->repeat = t;
}

static void table_end(doc *d, double after)
{
    d->repeat = NULL;
    d->y += after * MM;
}

/* A signature line: the role on the left, a rule to sign on, «/ name /» (or a rule for a
 * name to be written in), «(подпись)» under the rule. */
static void signature(doc *d, const char *role, const char *name)
{
    const double role_w = 62 * MM, rule_x = margin_l + 64 * MM, rule_w = 45 * MM;
    const double name_x = rule_x + rule_w + 3 * MM;
    PangoLayout *rl = make_layout(d, FONT " 11", role, false, role_w, PANGO_ALIGN_LEFT);
    double h = layout_h(rl);
    if (h < 6 * MM)
        h = 6 * MM;
    need(d, h + 6 * MM);
    double y0 = d->y + 4 * MM; /* the rules' line: the role's first baseline */
    double base = (double)pango_layout_get_baseline(rl) / PANGO_SCALE;
    cairo_t *cr = d->cr;
    cairo_move_to(cr, margin_l, y0 - base);
    pango_cairo_show_layout(cr, rl);
    g_object_unref(rl);
    cairo_save(cr);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, rule_x, y0 + 0.8 * MM);
    cairo_line_to(cr, rule_x + rule_w, y0 + 0.8 * MM);
    if (!name || !name[0]) {
        cairo_move_to(cr, name_x + 3 * MM, y0 + 0.8 * MM);
        cairo_line_to(cr, page_w - margin_r - 3 * MM, y0 + 0.8 * MM);
    }
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    PangoLayout *cap = make_layout(d, FONT " 7", _("(signature)"), false, 0, PANGO_ALIGN_LEFT);
    cairo_move_to(cr, rule_x + (rule_w - layout_w(cap)) / 2, y0 + 1.3 * MM);
    pango_cairo_show_layout(cr, cap);
    g_object_unref(cap);
    cairo_restore(cr);
    char slash[FULL_NAME_MAX + 16];
    snprintf(slash, sizeof slash, "/ %s /", name && name[0] ? name : "");
    PangoLayout *nl = make_layout(d, FONT " 11", name && name[0] ? slash : "/", false,
                                  page_w - margin_r - name_x, PANGO_ALIGN_LEFT);
    cairo_move_to(cr, name_x, y0 - (double)pango_layout_get_baseline(nl) / PANGO_SCALE);
    pango_cairo_show_layout(cr, nl);
    g_object_unref(nl);
    if (!name || !name[0]) {
        PangoLayout *end = make_layout(d, FONT " 11", "/", false, 0, PANGO_ALIGN_LEFT);
        cairo_move_to(cr, page_w - margin_r - layout_w(end),
                      y0 - (double)pango_layout_get_baseline(end) / PANGO_SCALE);
        pango_cairo_show_layout(cr, end);
        g_object_unref(end);
    }
    d->y += h + 5 * MM;
}

/* The institution and a title, centred, as every document opens. */
static void doc_title(doc *d, const documents_statement *s, const char *title, const char *subtitle)
{
    if (s->exam.institution[0])
        plain(d, FONT " 11", s->exam.institution, 0, PANGO_ALIGN_CENTER, 3);
    plain(d, FONT " Bold 15", title, 0, PANGO_ALIGN_CENTER, subtitle ? 0.5 : 4);
    if (subtitle)
        plain(d, FONT " 11", subtitle, 0, PANGO_ALIGN_CENTER, 4);
}

/* ---- one PDF, drawn twice ------------------------------------------------------------- */

typedef bilet_status (*render_fn)(doc *d, const documents_statement *s, const void *arg,
                                  bilet_err *err);

/* Where a pass writes: nowhere (counting pages), or a file whose every write is checked —
 * cairo's own file output does not report a short write (a full disk, a size limit). */
typedef struct sink {
    FILE *f;
    bool failed;
    int error;
} sink;

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int length)
{
    sink *k = closure;
    if (!k->f)
        return CAIRO_STATUS_SUCCESS;
    if (k->failed || fwrite(data, 1, length, k->f) != length) {
        if (!k->failed)
            k->error = errno;
        k->failed = true;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

static bilet_status render_pass(const char *path, const char *title, int pages, render_fn fn,
                                const documents_statement *s, const void *arg, int *pages_out,
                                bilet_err *err)
{
    doc d = { 0 };
    sink k = { 0 };
    d.pages = pages;
    d.page = 1;
    if (path && !(k.f = fopen(path, "wb")))
        return bilet_fail(err, BILET_EIO, "%s: %s", path, strerror(errno));
    d.surface = cairo_pdf_surface_create_for_stream(sink_write, &k, page_w, page_h);
    bilet_status st = BILET_OK;
    if (cairo_surface_status(d.surface) != CAIRO_STATUS_SUCCESS) {
        st = bilet_fail(err, BILET_EIO, "%s: cannot create the PDF (%s)", path ? path : "-",
                        cairo_status_to_string(cairo_surface_status(d.surface)));
        goto out_destroy;
    }
    cairo_pdf_surface_set_metadata(d.surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(d.surface, CAIRO_PDF_METADATA_CREATOR, "bilet");
    d.cr = cairo_create(d.surface);
    page_start(&d);
    st = fn(&d, s, arg, err);
    if (st != BILET_OK)
        goto out_destroy;
    page_footer(&d);
    cairo_show_page(d.cr);
    *pages_out = d.page;
    cairo_status_t cs = cairo_status(d.cr);
    cairo_destroy(d.cr);
    d.cr = NULL;
    cairo_surface_finish(d.surface);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(d.surface);
    if (k.failed)
        st = bilet_fail(err, BILET_EIO, "%s: writing failed (%s)", path,
                        strerror(k.error ? k.error : EIO));
    else if (cs != CAIRO_STATUS_SUCCESS)
        st = bilet_fail(err, BILET_EIO, "%s: writing the PDF failed (%s)", path ? path : "-",
                        cairo_status_to_string(cs));
out_destroy:
    if (d.cr)
        cairo_destroy(d.cr);
    cairo_surface_destroy(d.surface);
    if (k.f && fclose(k.f) != 0 && st == BILET_OK)
        st = bilet_fail(err, BILET_EIO, "%s: writing failed (%s)", path, strerror(errno));
    return st;
}

static bilet_status render_pdf(const char *path, const char *title, render_fn fn,
                               const documents_statement *s, const void *arg, bilet_err *err)
{
    int pages = 0, again = 0;
    bilet_status st = render_pass(NULL, title, 0, fn, s, arg, &pages, err);
    if (st == BILET_OK)
        st = render_pass(path, title, pages, fn, s, arg, &again, err);
    if (st == BILET_OK && again != pages)
        st = bilet_fail(err, BILET_EIO, "%s: the page count changed between passes (%d, %d)", path,
                        pages, again);
    return st;
}

/* ---- CSV ------------------------------------------------------------------------------- */

typedef struct csv_out {
    FILE *f;
    const char *path;
    bool failed;
} csv_out;

static bilet_status csv_open(csv_out *c, const char *path, bilet_err *err)
{
    c->path = path;
    c->failed = false;
    c->f = fopen(path, "wb");
    if (!c->f)
        return bilet_fail(err, BILET_EIO, "%s: %s", path, strerror(errno));
    if (fwrite("\xEF\xBB\xBF", 1, 3, c->f) != 3)
        c->failed = true;
    return BILET_OK;
}

/* One record of n fields, each quoted by libcsv, ';' between, CRLF after. */
static void csv_row(csv_out *c, const char *const *fields, size_t n)
{
    for (size_t i = 0; i < n && !c->failed; i++) {
        if (i && fputc(';', c->f) == EOF)
            c->failed = true;
        const char *s = fields[i] ? fields[i] : "";
        if (csv_fwrite2(c->f, s, strlen(s), '"') != 0)
            c->failed = true;
    }
    if (!c->failed && fputs("\r\n", c->f) == EOF)
        c->failed = true;
}

static bilet_status csv_close(csv_out *c, bilet_err *err)
{
    bool failed = c->failed || ferror(c->f);
    if (fclose(c->f) != 0)
        failed = true;
    c->f = NULL;
    if (failed)
        return bilet_fail(err, BILET_EIO, "%s: writing failed", c->path);
    return BILET_OK;
}

/* ---- counts ---------------------------------------------------------------------------- */

typedef struct tally {
    size_t roster, admitted, not_admitted, appeared, absent, ungraded;
    size_t by_grade[GRADE_COUNT];
    size_t points_n;
    long points_sum;
} tally;

static void count(const documents_statement *s, tally *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < s->n_rows; i++) {
        const documents_row *r = &s->rows[i];
        t->roster++;
        if (r->status != STUDENT_ADMITTED) {
            t->not_admitted++;
            continue;
        }
        t->admitted++;
        if (r->result == GRADE_ABSENT) {
            t->absent++;
            continue;
        }
        t->appeared++;
        if (r->result == GRADE_NONE)
            t->ungraded++;
        else
            t->by_grade[r->result]++;
        if (grade_is_points(r->result)) {
            t->points_n++;
            t->points_sum += grade_points(r->result);
        }
    }
}

/* The result grades shown for the form, best first: 5..2, or pass and fail; a grade of the
 * other kind that does occur is shown too. */
static size_t result_grades(const documents_statement *s, const tally *t, grade *out)
{
    static const grade all[] = { GRADE_5, GRADE_4, GRADE_3, GRADE_2, GRADE_PASS, GRADE_FAIL };
    size_t n = 0;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        bool native = is_zachet(s->exam.form) ? !grade_is_points(all[i]) : grade_is_points(all[i]);
        if (native || t->by_grade[all[i]] > 0)
            out[n++] = all[i];
    }
    return n;
}

/* ---- the ведомость --------------------------------------------------------------------- */

static const char *vedomost_title(const documents_statement *s)
{
    return s->exam.form == EXAM_FORM_ZACHET || s->exam.form == EXAM_FORM_DIFF_ZACHET
               ? _("PASS/FAIL TEST RECORD")
               : _("EXAMINATION RECORD");
}

/* The exam's header lines (discipline, form, group, date, attempt, examiners), shared by the
 * ведомость and the statistics. */
static void exam_header(doc *d, const documents_statement *s, bool examiners)
{
    const exam_info *e = &s->exam;
    char date[EXAM_SHORT_MAX + 16], text[TEXT_MAX];
    field(d, FONT " 12", _("Discipline"), e->discipline, 0, 1);
    if (e->form == EXAM_FORM_COMPLEX && e->disciplines.n) {
        join_exam_list(&e->disciplines, 0, text, sizeof text);
        field(d, FONT " 11", _("Disciplines of the comprehensive examination"), text, 0, 1);
    }
    format_date(e->date, date, sizeof date);
    char *m = g_markup_printf_escaped("<b>%s:</b> %s     <b>%s:</b> %s", _("Form"),
                                      paper_form_title(e->form), _("Group"),
                                      e->group[0] ? e->group : "—");
    par(d, FONT " 11", m, 0, PANGO_ALIGN_LEFT, 1);
    g_free(m);
    m = g_markup_printf_escaped("<b>%s:</b> %s     <b>%s:</b> %s     <b>%s:</b> %s", _("Date"),
                                date[0] ? date : "—", _("Start"), e->start[0] ? e->start : "—",
                                _("Room"), e->room[0] ? e->room : "—");
    par(d, FONT " 11", m, 0, PANGO_ALIGN_LEFT, 1);
    g_free(m);
    snprintf(text, sizeof text, "%d — %s", e->attempt, attempt_text(e->attempt));
    field(d, FONT " 11", _("Attempt"), text, 0, 1);
    if (!examiners)
        return;
    if (e->attempt == 3 && e->commission.n) {
        char members[TEXT_MAX / 2];
        join_exam_list(&e->commission, 1, members, sizeof members);
        if (members[0])
            snprintf(text, sizeof text, "%s — %s; %s — %s", _("chair"), e->commission.item[0],
                     _("members"), members);
        else
            snprintf(text, sizeof text, "%s — %s", _("chair"), e->commission.item[0]);
        field(d, FONT " 11", _("Commission"), text, 0, 1);
    } else {
        join_exam_list(&e->examiners, 0, text, sizeof text);
        field(d, FONT " 11", _("Examiners"), text[0] ? text : "—", 0, 1);
    }
}

static const column vedomost_cols[] = {
    { NULL, 9, PANGO_ALIGN_RIGHT }, { NULL, 61, PANGO_ALIGN_LEFT },
    { NULL, 22, PANGO_ALIGN_LEFT }, { NULL, 14, PANGO_ALIGN_CENTER },
    { NULL, 48, PANGO_ALIGN_LEFT }, { NULL, 26, PANGO_ALIGN_LEFT },
};
enum { VEDOMOST_COLS = sizeof vedomost_cols / sizeof vedomost_cols[0] };

/* The correction note under a grade: «исправлено (было: 3)», «по апелляции (было: 3)». */
static void correction_note(const documents_row *r, char *out, size_t cap)
{
    out[0] = '\0';
    if (!r->n_corrections)
        return;
    const documents_correction *first = &r->corrections[0];
    const documents_correction *last = &r->corrections[r->n_corrections - 1];
    char was[64];
    grade_short(first->was, was, sizeof was);
    if (!was[0])
        snprintf(was, sizeof was, "—");
    snprintf(out, cap, last->appeal ? _("after an appeal (was: %s)") : _("corrected (was: %s)"),
             was);
}

static bilet_status render_vedomost(doc *d, const documents_statement *s, const void *arg,
                                    bilet_err *err)
{
    (void)arg;
    (void)err;
    const exam_info *e = &s->exam;
    char sub[EXAM_ID_MAX + 32], date[EXAM_SHORT_MAX + 16];
    snprintf(sub, sizeof sub, _("No. %s"), e->id);
    format_date(e->date, date, sizeof date);
    snprintf(d->footer, sizeof d->footer, "bilet · %s %s", vedomost_title(s), e->id);
    snprintf(d->running, sizeof d->running, "%s %s · %s · %s · %s (%s)", vedomost_title(s), sub,
             e->discipline, e->group, date, _("continued"));
    doc_title(d, s, vedomost_title(s), sub);
    exam_header(d, s, true);
    d->y += 3 * MM;

    column cols[VEDOMOST_COLS];
    memcpy(cols, vedomost_cols, sizeof cols);
    cols[0].title = _("No.");
    cols[1].title = _("Student's full name");
    cols[2].title = _("Record book No.");
    cols[3].title = _("Ticket No.");
    cols[4].title = _("Grade");
    cols[5].title = _("Examiner's signature");
    table t = { cols, VEDOMOST_COLS };
    table_begin(d, &t);
    bool any_second = false;
    for (size_t i = 0; i < s->n_rows; i++) {
        const documents_row *r = &s->rows[i];
        char n[16], ticket[32], gt[128], note[256];
        snprintf(n, sizeof n, "%d", r->n);
        if (r->ticket)
            snprintf(ticket, sizeof ticket, "%d%s", r->ticket, r->second_ticket ? "*" : "");
        else
            ticket[0] = '\0';
        any_second |= r->second_ticket && r->ticket;
        documents_grade_text(r->result, gt, sizeof gt);
        correction_note(r, note, sizeof note);
        char *cells[VEDOMOST_COLS];
        cells[0] = g_markup_escape_text(n, -1);
        cells[1] = g_markup_escape_text(r->full_name, -1);
        cells[2] = g_markup_escape_text(r->record_book, -1);
        cells[3] = g_markup_escape_text(ticket, -1);
        cells[4] = note[0]
                       ? g_markup_printf_escaped("%s\n<span size=\"x-small\">%s</span>", gt, note)
                       : g_markup_escape_text(gt, -1);
        cells[5] = g_strdup("");
        draw_row(d, &t, (const char *const *)cells, false);
        for (size_t c = 0; c < VEDOMOST_COLS; c++)
            g_free(cells[c]);
    }
    table_end(d, 2);
    if (any_second)
        plain(d, FONT " 8.5", _("* a second ticket was taken"), 0, PANGO_ALIGN_LEFT, 1);

    /* Totals, kept together. */
    tally tl;
    count(s, &tl);
    need(d, 30 * MM);
    char line[TEXT_MAX];
    snprintf(line, sizeof line, "%zu", tl.roster);
    field(d, FONT " 11", _("Students on the roster"), line, 0, 0.5);
    char *m = g_markup_printf_escaped("<b>%s:</b> %zu     <b>%s:</b> %zu     <b>%s:</b> %zu",
                                      _("Appeared"), tl.appeared, _("Did not appear"), tl.absent,
                                      _("Not admitted"), tl.not_admitted);
    par(d, FONT " 11", m, 0, PANGO_ALIGN_LEFT, 0.5);
    g_free(m);
    grade shown[8];
    size_t n_shown = result_grades(s, &tl, shown);
    size_t used = 0;
    line[0] = '\0';
    for (size_t i = 0; i < n_shown && used < sizeof line; i++) {
        int k = snprintf(line + used, sizeof line - used, "%s«%s»\u00a0—\u00a0%zu", i ? ", " : "",
                         grade_word_tr(shown[i]), tl.by_grade[shown[i]]);
        if (k > 0)
            used += (size_t)k;
    }
    if (tl.ungraded && used < sizeof line)
        snprintf(line + used, sizeof line - used, ", %s — %zu", _("no grade"), tl.ungraded);
    field(d, FONT " 11", _("Grades"), line, 0, 4);

    /* Signatures, kept together. */
    size_t n_sign = e->attempt == 3 && e->commission.n ? e->commission.n : e->examiners.n;
    need(d, (double)(n_sign + 2) * 11 * MM);
    if (e->attempt == 3 && e->commission.n) {
        signature(d, _("Chair of the commission"), e->commission.item[0]);
        for (size_t i = 1; i < e->commission.n; i++)
            signature(d, i == 1 ? _("Members of the commission") : "", e->commission.item[i]);
    } else if (e->examiners.n) {
        for (size_t i = 0; i < e->examiners.n; i++)
            signature(d,
                      i                    ? ""
                      : e->examiners.n > 1 ? _("Examiners")
                                           : _("Examiner"),
                      e->examiners.item[i]);
    } else {
        signature(d, _("Examiner"), NULL);
    }
    signature(d, _("Dean's office (registrar)"), NULL);
    d->y += 2 * MM;
    plain(d, FONT " 11", _("Record handed in: «____» ______________ 20___"), 0, PANGO_ALIGN_LEFT,
          3);
    if (s->locked_time || s->locked_by[0]) {
        char when[64];
        format_time(s->locked_time, when, sizeof when);
        snprintf(line, sizeof line,
                 _("Grading locked %s by %s; printed by bilet from the signed records of the "
                   "central store."),
                 when[0] ? when : "—", s->locked_by[0] ? s->locked_by : "—");
        cairo_save(d->cr);
        cairo_set_source_rgb(d->cr, 0.35, 0.35, 0.35);
        plain(d, FONT " 8", line, 0, PANGO_ALIGN_LEFT, 0);
        cairo_restore(d->cr);
    }
    return BILET_OK;
}

static bilet_status write_vedomost_csv(const documents_statement *s, const char *path,
                                       bilet_err *err)
{
    csv_out c;
    bilet_status st = csv_open(&c, path, err);
    if (st != BILET_OK)
        return st;
    static const char *const head[] = { "n",          "full_name", "record_book",   "status",
                                        "code",       "ticket",    "second_ticket", "grade",
                                        "grade_text", "graded_by", "corrected" };
    enum { N = sizeof head / sizeof head[0] };
    csv_row(&c, head, N);
    for (size_t i = 0; i < s->n_rows; i++) {
        const documents_row *r = &s->rows[i];
        char n[16], ticket[16], gt[128], note[256];
        snprintf(n, sizeof n, "%d", r->n);
        snprintf(ticket, sizeof ticket, "%d", r->ticket);
        documents_grade_text(r->result, gt, sizeof gt);
        correction_note(r, note, sizeof note);
        const char *f[N] = { n,
                             r->full_name,
                             r->record_book,
                             student_status_name(r->status),
                             r->code,
                             r->ticket ? ticket : "",
                             r->second_ticket ? "yes" : "no",
                             grade_token(r->result),
                             gt,
                             r->graded_by,
                             note };
        csv_row(&c, f, N);
    }
    return csv_close(&c, err);
}

/* ---- the commission protocol (attempt 3) ------------------------------------------------ */

/* «Билет № 8» with its questions numbered, the task labelled. */
static void ticket_lines(doc *d, const documents_row *r, double indent)
{
    char text[128];
    if (!r->ticket) {
        plain(d, FONT " 11", _("no ticket was drawn"), indent, PANGO_ALIGN_LEFT, 1);
        return;
    }
    snprintf(text, sizeof text, _("Ticket No. %d"), r->ticket);
    char *m = g_markup_printf_escaped("<b>%s</b>%s%s", text, r->second_ticket ? " — " : "",
                                      r->second_ticket ? _("a second ticket") : "");
    par(d, FONT " 11", m, indent, PANGO_ALIGN_LEFT, 1);
    g_free(m);
    int q = 0;
    for (size_t i = 0; i < r->n_questions; i++) {
        const documents_question *qu = &r->questions[i];
        char label[64];
        if (qu->kind == QUESTION_TASK)
            snprintf(label, sizeof label, "%s.", _("Task"));
        else
            snprintf(label, sizeof label, "%d.", ++q);
        m = g_markup_printf_escaped("%s %s", label, qu->text);
        par(d, FONT " 11", m, indent + 4, PANGO_ALIGN_LEFT, 1);
        g_free(m);
    }
}

/* A numbered item of a protocol: «N. Label:» in bold, the text after it. */
static void item(doc *d, int n, const char *label, const char *value)
{
    char *m = g_markup_printf_escaped("<b>%d. %s:</b> %s", n, label, value ? value : "");
    par(d, FONT " 11", m, 0, PANGO_ALIGN_LEFT, 2);
    g_free(m);
}

/* The commission's members with the chair first, as present at the exam. */
static void commission_text(const exam_info *e, char *out, size_t cap)
{
    char members[TEXT_MAX / 2];
    if (!e->commission.n) {
        snprintf(out, cap, "—");
        return;
    }
    join_exam_list(&e->commission, 1, members, sizeof members);
    if (members[0])
        snprintf(out, cap, "%s — %s; %s — %s", _("chair"), e->commission.item[0], _("members"),
                 members);
    else
        snprintf(out, cap, "%s — %s", _("chair"), e->commission.item[0]);
}

static bilet_status render_protocol(doc *d, const documents_statement *s, const void *arg,
                                    bilet_err *err)
{
    (void)err;
    const documents_row *r = arg;
    const exam_info *e = &s->exam;
    char text[TEXT_MAX], date[EXAM_SHORT_MAX + 16], when[64], gt[128];
    snprintf(d->footer, sizeof d->footer, "bilet · %s · %s · %s", _("commission protocol"), e->id,
             r->record_book);
    snprintf(d->running, sizeof d->running, "%s · %s · %s (%s)", _("COMMISSION PROTOCOL"),
             r->full_name, e->discipline, _("continued"));
    doc_title(d, s, _("COMMISSION PROTOCOL"), _("on an examination sat for the third time"));

    format_date(e->date, date, sizeof date);
    format_time(r->time, when, sizeof when);
    snprintf(text, sizeof text, "%s%s%s", date[0] ? date : "«____» ______________ 20___",
             e->start[0] ? ", " : "", e->start);
    if (when[0]) {
        size_t used = strlen(text);
        snprintf(text + used, sizeof text - used, "; %s %s", _("grade given"), when);
    }
    item(d, 1, _("Date and time"), text);
    snprintf(text, sizeof text, "%s; %s: %s", e->discipline, _("form"), paper_form_title(e->form));
    item(d, 2, _("Discipline and form"), text);
    commission_text(e, text, sizeof text);
    item(d, 3, _("Members of the commission present"), text);
    snprintf(text, sizeof text, "%s; %s %s; %s %s", r->full_name, _("group"),
             e->group[0] ? e->group : "—", _("record book No."), r->record_book);
    item(d, 4, _("Student"), text);
    item(d, 5, _("Examination ticket"), "");
    d->y -= 1 * MM;
    ticket_lines(d, r, 5);
    d->y += 1 * MM;
    if (r->n_extra) {
        item(d, 6, _("Extra questions"), "");
        d->y -= 1 * MM;
        for (size_t i = 0; i < r->n_extra; i++) {
            char *m = g_markup_printf_escaped("%zu. %s", i + 1, r->extra_questions[i]);
            par(d, FONT " 11", m, 9, PANGO_ALIGN_LEFT, 1);
            g_free(m);
        }
        d->y += 1 * MM;
    } else {
        item(d, 6, _("Extra questions"), _("none were asked"));
    }
    documents_grade_text(r->result, gt, sizeof gt);
    char *fg = g_markup_printf_escaped("<b>7. %s: %s</b>", _("Final grade"), gt[0] ? gt : "—");
    par(d, FONT " 11", fg, 0, PANGO_ALIGN_LEFT, 2);
    g_free(fg);
    d->y -= 1 * MM;
    if (r->n_votes) {
        plain(d, FONT " 11", _("Votes of the members:"), 5, PANGO_ALIGN_LEFT, 0.5);
        for (size_t i = 0; i < r->n_votes; i++) {
            char vote[128];
            documents_grade_text(r->votes[i].vote, vote, sizeof vote);
            bool chair = e->commission.n && strcmp(r->votes[i].member, e->commission.item[0]) == 0;
            snprintf(text, sizeof text, "%s%s%s%s — %s", r->votes[i].member, chair ? " (" : "",
                     chair ? _("chair") : "", chair ? ")" : "", vote);
            plain(d, FONT " 11", text, 9, PANGO_ALIGN_LEFT, 0.5);
        }
    }
    field(d, FONT " 11", _("Dissenting opinion"), r->dissent[0] ? r->dissent : _("none"), 5, 4);

    size_t n_sign = e->commission.n ? e->commission.n : 3;
    need(d, (double)(n_sign + 2) * 11 * MM);
    plain(d, FONT " Bold 11", _("Signatures"), 0, PANGO_ALIGN_LEFT, 1);
    if (e->commission.n) {
        signature(d, _("Chair of the commission"), e->commission.item[0]);
        for (size_t i = 1; i < e->commission.n; i++)
            signature(d, i == 1 ? _("Members of the commission") : "", e->commission.item[i]);
    } else {
        signature(d, _("Chair of the commission"), NULL);
        signature(d, _("Members of the commission"), NULL);
        signature(d, "", NULL);
    }
    d->y += 2 * MM;
    plain(d, FONT " Bold 11", _("The written answer is attached."), 0, PANGO_ALIGN_LEFT, 0);
    return BILET_OK;
}

static bilet_status write_protocol_csv(const documents_statement *s, const documents_row *r,
                                       const char *path, bilet_err *err)
{
    const exam_info *e = &s->exam;
    csv_out c;
    bilet_status st = csv_open(&c, path, err);
    if (st != BILET_OK)
        return st;
    char buf[128], gt[128];
#define ROW2(k, v)                                                                                 \
    do {                                                                                           \
        const char *f_[2] = { (k), (v) };                                                          \
        csv_row(&c, f_, 2);                                                                        \
    } while (0)
    ROW2("field", "value");
    ROW2("exam", e->id);
    ROW2("date", e->date);
    ROW2("start", e->start);
    ROW2("discipline", e->discipline);
    ROW2("form", exam_form_name(e->form));
    for (size_t i = 0; i < e->commission.n; i++)
        ROW2(i ? "member" : "chair", e->commission.item[i]);
    ROW2("full_name", r->full_name);
    ROW2("record_book", r->record_book);
    ROW2("group", e->group);
    snprintf(buf, sizeof buf, "%d", r->ticket);
    ROW2("ticket", r->ticket ? buf : "");
    ROW2("second_ticket", r->second_ticket ? "yes" : "no");
    for (size_t i = 0; i < r->n_questions; i++)
        ROW2(r->questions[i].kind == QUESTION_TASK ? "task" : "question", r->questions[i].text);
    for (size_t i = 0; i < r->n_extra; i++)
        ROW2("extra_question", r->extra_questions[i]);
    ROW2("grade", grade_token(r->result));
    ROW2("grade_text", documents_grade_text(r->result, gt, sizeof gt));
    for (size_t i = 0; i < r->n_votes; i++) {
        char v[EXAM_TEXT_MAX + 32];
        snprintf(v, sizeof v, "%s: %s", r->votes[i].member, grade_token(r->votes[i].vote));
        ROW2("vote", v);
    }
    ROW2("dissent", r->dissent);
    ROW2("answer_attached", "yes");
#undef ROW2
    return csv_close(&c, err);
}

/* ---- the appeal protocol --------------------------------------------------------------- */

typedef struct appeal_arg {
    const documents_row *row;
} appeal_arg;

static bilet_status render_appeal(doc *d, const documents_statement *s, const void *arg,
                                  bilet_err *err)
{
    (void)err;
    const documents_row *r = ((const appeal_arg *)arg)->row;
    const exam_info *e = &s->exam;
    snprintf(d->footer, sizeof d->footer, "bilet · %s · %s · %s", _("appeal protocol"), e->id,
             r->record_book);
    snprintf(d->running, sizeof d->running, "%s · %s · %s (%s)", _("APPEAL PROTOCOL"), r->full_name,
             e->discipline, _("continued"));
    bool first = true;
    for (size_t k = 0; k < r->n_corrections; k++) {
        const documents_correction *c = &r->corrections[k];
        if (!c->appeal)
            continue;
        if (!first)
            page_break(d);
        first = false;
        char text[TEXT_MAX], date[EXAM_SHORT_MAX + 16], when[64], was[128], now[128];
        doc_title(d, s, _("APPEAL PROTOCOL"), _("on the result of a written examination"));
        format_time(c->time, when, sizeof when);
        item(d, 1, _("Date"), when[0] ? when : "«____» ______________ 20___");
        format_date(e->date, date, sizeof date);
        snprintf(text, sizeof text, "%s; %s: %s; %s %s; %s %s", e->discipline, _("form"),
                 paper_form_title(e->form), _("examination of"), date[0] ? date : "—", _("group"),
                 e->group[0] ? e->group : "—");
        item(d, 2, _("Discipline"), text);
        snprintf(text, sizeof text, "%s; %s %s", r->full_name, _("record book No."),
                 r->record_book);
        item(d, 3, _("Student"), text);
        documents_grade_text(c->was, was, sizeof was);
        item(d, 4, _("Grade appealed"), was[0] ? was : "—");
        item(d, 5, _("Grounds of the appeal"), c->reason[0] ? c->reason : "—");
        join_list(c->commission, c->n_commission, text, sizeof text);
        item(d, 6, _("Appeal commission"), text);
        documents_grade_text(c->result, now, sizeof now);
        if (c->result == c->was)
            snprintf(text, sizeof text, _("the grade is kept: %s"), now);
        else
            snprintf(text, sizeof text, _("the grade is changed to %s"), now);
        char *m = g_markup_printf_escaped("<b>7. %s:</b> <b>%s</b>", _("Decision"), text);
        par(d, FONT " 12", m, 0, PANGO_ALIGN_LEFT, 5);
        g_free(m);

        need(d, (double)(c->n_commission + 3) * 11 * MM);
        plain(d, FONT " Bold 11", _("Members of the appeal commission"), 0, PANGO_ALIGN_LEFT, 1);
        for (size_t i = 0; i < c->n_commission; i++)
            signature(d, "", c->commission[i]);
        d->y += 3 * MM;
        signature(d, _("The student has read the decision"), r->full_name);
    }
    return BILET_OK;
}

/* ---- statistics ------------------------------------------------------------------------ */

static double share(size_t part, size_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void percent(size_t part, size_t whole, char *out, size_t cap)
{
    char num[32];
    format_decimal(share(part, whole), 1, num, sizeof num);
    snprintf(out, cap, "%s %%", num);
}

/* Students whose grade is «удовлетворительно» or below (3, 2, «не зачтено»). */
static bool weak(grade g)
{
    return g == GRADE_3 || g == GRADE_2 || g == GRADE_FAIL;
}

/* Success (3 and above, or «зачтено») and quality (4 and 5) rates, of the results given. */
static void rates(const tally *t, size_t *results, size_t *success, size_t *quality)
{
    *results = 0;
    for (int g = GRADE_5; g <= GRADE_FAIL; g++)
        *results += t->by_grade[g];
    *success = t->by_grade[GRADE_5] + t->by_grade[GRADE_4] + t->by_grade[GRADE_3] +
               t->by_grade[GRADE_PASS];
    *quality = t->by_grade[GRADE_5] + t->by_grade[GRADE_4];
}

static const column stat_cols[] = {
    { NULL, 110, PANGO_ALIGN_LEFT },
    { NULL, 35, PANGO_ALIGN_RIGHT },
    { NULL, 35, PANGO_ALIGN_RIGHT },
};

static void stat_row(doc *d, const table *t, const char *label, size_t n, size_t whole)
{
    char num[32], pc[48];
    snprintf(num, sizeof num, "%zu", n);
    percent(n, whole, pc, sizeof pc);
    char *cells[3] = { g_markup_escape_text(label, -1), g_strdup(num),
                       g_markup_escape_text(pc, -1) };
    draw_row(d, t, (const char *const *)cells, false);
    for (int i = 0; i < 3; i++)
        g_free(cells[i]);
}

/* A horizontal bar a grade: its word, the bar (the longest is 90 mm), count and share. */
static void bar_chart(doc *d, const grade *gs, size_t n, const tally *t, size_t whole)
{
    const double label_w = 48 * MM, bar_x = margin_l + 50 * MM, bar_max = 90 * MM;
    const double bar_h = 6 * MM, step = 9 * MM;
    size_t top = 1;
    for (size_t i = 0; i < n; i++)
        if (t->by_grade[gs[i]] > top)
            top = t->by_grade[gs[i]];
    need(d, (double)n * step + 6 * MM);
    cairo_t *cr = d->cr;
    double y0 = d->y;
    for (size_t i = 0; i < n; i++) {
        size_t k = t->by_grade[gs[i]];
        double y = y0 + (double)i * step;
        char gt[128], label[160], pc[48];
        documents_grade_text(gs[i], gt, sizeof gt);
        PangoLayout *l = make_layout(d, FONT " 10", gt, false, label_w, PANGO_ALIGN_RIGHT);
        cairo_move_to(cr, margin_l, y + (bar_h - layout_h(l)) / 2);
        pango_cairo_show_layout(cr, l);
        g_object_unref(l);
        double w = bar_max * (double)k / (double)top;
        cairo_save(cr);
        cairo_set_source_rgb(cr, 0.92, 0.92, 0.92);
        cairo_rectangle(cr, bar_x, y, bar_max, bar_h);
        cairo_fill(cr);
        double shade = grade_is_points(gs[i]) ? 0.25 + 0.1 * (5 - grade_points(gs[i]))
                                              : (gs[i] == GRADE_PASS ? 0.25 : 0.55);
        cairo_set_source_rgb(cr, shade, shade, shade);
        if (w > 0) {
            cairo_rectangle(cr, bar_x, y, w, bar_h);
            cairo_fill(cr);
        }
        cairo_restore(cr);
        percent(k, whole, pc, sizeof pc);
        snprintf(label, sizeof label, "%zu (%s)", k, pc);
        put_text(d, FONT " Bold 9.5", label, bar_x + w + 2 * MM, y + 0.8 * MM, false);
    }
    cairo_save(cr);
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, bar_x, y0 - 1.5 * MM);
    cairo_line_to(cr, bar_x, y0 + (double)n * step - 1.5 * MM);
    cairo_stroke(cr);
    cairo_restore(cr);
    d->y = y0 + (double)n * step + 3 * MM;
}

static bilet_status render_statistics(doc *d, const documents_statement *s, const void *arg,
                                      bilet_err *err)
{
    (void)arg;
    (void)err;
    const exam_info *e = &s->exam;
    tally t;
    count(s, &t);
    snprintf(d->footer, sizeof d->footer, "bilet · %s · %s", _("statistics"), e->id);
    snprintf(d->running, sizeof d->running, "%s · %s · %s (%s)", _("EXAMINATION STATISTICS"),
             e->discipline, e->group, _("continued"));
    char sub[EXAM_ID_MAX + 32];
    snprintf(sub, sizeof sub, _("No. %s"), e->id);
    doc_title(d, s, _("EXAMINATION STATISTICS"), sub);
    exam_header(d, s, true);
    d->y += 3 * MM;

    column cols[3];
    memcpy(cols, stat_cols, sizeof cols);
    cols[0].title = _("Students");
    cols[1].title = _("Number");
    cols[2].title = _("Share of the roster");
    table tb = { cols, 3 };
    table_begin(d, &tb);
    stat_row(d, &tb, _("On the roster"), t.roster, t.roster);
    stat_row(d, &tb, _("Admitted"), t.admitted, t.roster);
    stat_row(d, &tb, _("Not admitted"), t.not_admitted, t.roster);
    stat_row(d, &tb, _("Appeared"), t.appeared, t.roster);
    stat_row(d, &tb, _("Did not appear"), t.absent, t.roster);
    table_end(d, 5);

    grade gs[8];
    size_t n = result_grades(s, &t, gs);
    size_t results, success, quality;
    rates(&t, &results, &success, &quality);
    plain(d, FONT " Bold 12", _("Grades"), 0, PANGO_ALIGN_LEFT, 2);
    cols[0].title = _("Grade");
    cols[1].title = _("Number");
    cols[2].title = _("Share of the grades");
    table_begin(d, &tb);
    for (size_t i = 0; i < n; i++) {
        char gt[128];
        stat_row(d, &tb, documents_grade_text(gs[i], gt, sizeof gt), t.by_grade[gs[i]], results);
    }
    table_end(d, 4);
    bar_chart(d, gs, n, &t, results);

    char text[TEXT_MAX], num[32], pc[48];
    need(d, 25 * MM);
    if (is_zachet(e->form) && !t.points_n) {
        /* a зачёт has no points to average */
    } else if (t.points_n) {
        format_decimal((double)t.points_sum / (double)t.points_n, 2, num, sizeof num);
        snprintf(text, sizeof text, "%s (%s: %zu)", num, _("grades counted"), t.points_n);
        field(d, FONT " 11", _("Mean grade"), text, 0, 1);
    } else {
        field(d, FONT " 11", _("Mean grade"), "—", 0, 1);
    }
    percent(success, results, pc, sizeof pc);
    field(d, FONT " 11", _("Success rate (grades of 3 and above, or pass)"), pc, 0, 1);
    if (!is_zachet(e->form)) {
        percent(quality, results, pc, sizeof pc);
        field(d, FONT " 11", _("Quality rate (grades of 4 and 5)"), pc, 0, 1);
    }
    d->y += 4 * MM;

    size_t n_weak = 0;
    for (size_t i = 0; i < s->n_rows; i++)
        n_weak += weak(s->rows[i].result);
    need(d, 30 * MM);
    plain(d, FONT " Bold 12", _("Students graded «satisfactory» and below"), 0, PANGO_ALIGN_LEFT,
          2);
    if (!n_weak) {
        plain(d, FONT " 11", _("none"), 0, PANGO_ALIGN_LEFT, 0);
        return BILET_OK;
    }
    static const column weak_cols[] = {
        { NULL, 9, PANGO_ALIGN_RIGHT },
        { NULL, 88, PANGO_ALIGN_LEFT },
        { NULL, 33, PANGO_ALIGN_LEFT },
        { NULL, 50, PANGO_ALIGN_LEFT },
    };
    column wc[4];
    memcpy(wc, weak_cols, sizeof wc);
    wc[0].title = _("No.");
    wc[1].title = _("Student's full name");
    wc[2].title = _("Record book No.");
    wc[3].title = _("Grade");
    table wt = { wc, 4 };
    table_begin(d, &wt);
    for (size_t i = 0; i < s->n_rows; i++) {
        const documents_row *r = &s->rows[i];
        if (!weak(r->result))
            continue;
        char nn[16], gt[128];
        snprintf(nn, sizeof nn, "%d", r->n);
        documents_grade_text(r->result, gt, sizeof gt);
        char *cells[4] = { g_strdup(nn), g_markup_escape_text(r->full_name, -1),
                           g_markup_escape_text(r->record_book, -1), g_markup_escape_text(gt, -1) };
        draw_row(d, &wt, (const char *const *)cells, false);
        for (int c = 0; c < 4; c++)
            g_free(cells[c]);
    }
    table_end(d, 0);
    return BILET_OK;
}

static bilet_status write_statistics_csv(const documents_statement *s, const char *path,
                                         bilet_err *err)
{
    tally t;
    count(s, &t);
    csv_out c;
    bilet_status st = csv_open(&c, path, err);
    if (st != BILET_OK)
        return st;
    const char *head[] = { "metric", "label", "count", "value", "record_book", "grade" };
    csv_row(&c, head, 6);
    struct {
        const char *metric, *label;
        size_t n, whole;
    } rows[] = {
        { "roster", _("On the roster"), t.roster, t.roster },
        { "admitted", _("Admitted"), t.admitted, t.roster },
        { "not_admitted", _("Not admitted"), t.not_admitted, t.roster },
        { "appeared", _("Appeared"), t.appeared, t.roster },
        { "absent", _("Did not appear"), t.absent, t.roster },
    };
    char num[32], pc[32];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        snprintf(num, sizeof num, "%zu", rows[i].n);
        format_decimal(share(rows[i].n, rows[i].whole), 1, pc, sizeof pc);
        const char *f[6] = { rows[i].metric, rows[i].label, num, pc };
        csv_row(&c, f, 6);
    }
    grade gs[8];
    size_t n = result_grades(s, &t, gs);
    size_t results, success, quality;
    rates(&t, &results, &success, &quality);
    for (size_t i = 0; i < n; i++) {
        char metric[32], gt[128];
        snprintf(metric, sizeof metric, "grade_%s", grade_token(gs[i]));
        snprintf(num, sizeof num, "%zu", t.by_grade[gs[i]]);
        format_decimal(share(t.by_grade[gs[i]], results), 1, pc, sizeof pc);
        const char *f[6] = { metric, documents_grade_text(gs[i], gt, sizeof gt), num, pc };
        csv_row(&c, f, 6);
    }
    char mean[32] = "";
    if (t.points_n)
        format_decimal((double)t.points_sum / (double)t.points_n, 2, mean, sizeof mean);
    snprintf(num, sizeof num, "%zu", t.points_n);
    const char *fm[6] = { "mean_grade", _("Mean grade"), num, mean };
    csv_row(&c, fm, 6);
    snprintf(num, sizeof num, "%zu", success);
    format_decimal(share(success, results), 1, pc, sizeof pc);
    const char *fs[6] = { "success_rate", _("Success rate (grades of 3 and above, or pass)"), num,
                          pc };
    csv_row(&c, fs, 6);
    if (!is_zachet(s->exam.form)) {
        snprintf(num, sizeof num, "%zu", quality);
        format_decimal(share(quality, results), 1, pc, sizeof pc);
        const char *fq[6] = { "quality_rate", _("Quality rate (grades of 4 and 5)"), num, pc };
        csv_row(&c, fq, 6);
    }
    for (size_t i = 0; i < s->n_rows; i++) {
        const documents_row *r = &s->rows[i];
        if (!weak(r->result))
            continue;
        char gt[128];
        const char *f[6] = { "weak_student",
                             r->full_name,
                             "",
                             "",
                             r->record_book,
                             documents_grade_text(r->result, gt, sizeof gt) };
        csv_row(&c, f, 6);
    }
    return csv_close(&c, err);
}

/* ---- the set of files ------------------------------------------------------------------ */

typedef struct outset {
    const char *dir;
    size_t n;
    char *final[DOCUMENTS_FILES_MAX];
    char *part[DOCUMENTS_FILES_MAX];
} outset;

/* A record book as a file-name part: letters (any UTF-8), digits, '-', '_' and '.' kept,
 * anything else '_', never a leading dot. */
static void safe_name(const char *rb, char *out, size_t cap)
{
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)rb; *p && k + 1 < cap; p++) {
        unsigned char ch = *p;
        bool ok = ch >= 0x80 || (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= 'a' && ch <= 'z') || ch == '-' || ch == '_' || (ch == '.' && k > 0);
        out[k++] = ok ? (char)ch : '_';
    }
    out[k] = '\0';
    if (!k)
        snprintf(out, cap, "_");
}

static bool name_taken(const outset *o, const char *path)
{
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->final[i], path) == 0)
            return true;
    return false;
}

/* Reserves dir/stem+ext (with "-2", "-3"… before the extension when taken) and sets *part
 * to the temporary path to write. */
static bilet_status out_add(outset *o, const char *stem, const char *ext, const char **part_out,
                            bilet_err *err)
{
    if (o->n >= DOCUMENTS_FILES_MAX)
        return bilet_fail(err, BILET_ETOOBIG, "more than %d documents", (int)DOCUMENTS_FILES_MAX);
    size_t cap = strlen(o->dir) + strlen(stem) + strlen(ext) + 32;
    char *final = malloc(cap), *part = malloc(cap + 8);
    if (!final || !part) {
        free(final);
        free(part);
        return bilet_fail(err, BILET_ENOMEM, "out of memory");
    }
    snprintf(final, cap, "%s/%s%s", o->dir, stem, ext);
    for (int k = 2; name_taken(o, final); k++)
        snprintf(final, cap, "%s/%s-%d%s", o->dir, stem, k, ext);
    snprintf(part, cap + 8, "%s.part", final);
    o->final[o->n] = final;
    o->part[o->n] = part;
    o->n++;
    *part_out = part;
    return BILET_OK;
}

static void out_discard(outset *o)
{
    for (size_t i = 0; i < o->n; i++) {
        if (o->part[i])
            unlink(o->part[i]);
        free(o->part[i]);
        free(o->final[i]);
    }
    o->n = 0;
}

/* Renames every part to its final name. */
static bilet_status out_commit(outset *o, documents_files *files, bilet_err *err)
{
    for (size_t i = 0; i < o->n; i++) {
        if (rename(o->part[i], o->final[i]) != 0) {
            bilet_status st = bilet_fail(err, BILET_EIO, "%s: %s", o->final[i], strerror(errno));
            for (size_t j = 0; j < i; j++)
                unlink(o->final[j]);
            out_discard(o);
            return st;
        }
        free(o->part[i]);
        o->part[i] = NULL;
    }
    for (size_t i = 0; i < o->n; i++) {
        if (files)
            files->path[files->n++] = o->final[i];
        else
            free(o->final[i]);
    }
    o->n = 0;
    return BILET_OK;
}

void documents_files_free(documents_files *files)
{
    if (!files)
        return;
    for (size_t i = 0; i < files->n; i++)
        free(files->path[i]);
    files->n = 0;
}

static bool has_appeal(const documents_row *r)
{
    for (size_t i = 0; i < r->n_corrections; i++)
        if (r->corrections[i].appeal)
            return true;
    return false;
}

static bilet_status write_all(const documents_statement *s, outset *o, bilet_err *err)
{
    const char *p = NULL;
    bilet_status st = out_add(o, "vedomost", ".pdf", &p, err);
    if (st == BILET_OK)
        st = render_pdf(p, vedomost_title(s), render_vedomost, s, NULL, err);
    if (st == BILET_OK)
        st = out_add(o, "vedomost", ".csv", &p, err);
    if (st == BILET_OK)
        st = write_vedomost_csv(s, p, err);
    for (size_t i = 0; st == BILET_OK && s->exam.attempt == 3 && i < s->n_rows; i++) {
        const documents_row *r = &s->rows[i];
        if (r->status != STUDENT_ADMITTED)
            continue;
        char stem[RECORD_BOOK_MAX * 2 + 16], safe[RECORD_BOOK_MAX * 2];
        safe_name(r->record_book, safe, sizeof safe);
        snprintf(stem, sizeof stem, "protocol-%s", safe);
        st = out_add(o, stem, ".pdf", &p, err);
        if (st == BILET_OK)
            st = render_pdf(p, _("COMMISSION PROTOCOL"), render_protocol, s, r, err);
        if (st == BILET_OK)
            st = out_add(o, stem, ".csv", &p, err);
        if (st == BILET_OK)
            st = write_protocol_csv(s, r, p, err);
    }
    for (size_t i = 0; st == BILET_OK && i < s->n_rows; i++) {
        const documents_row *r = &s->rows[i];
        if (!has_appeal(r))
            continue;
        char stem[RECORD_BOOK_MAX * 2 + 16], safe[RECORD_BOOK_MAX * 2];
        safe_name(r->record_book, safe, sizeof safe);
        snprintf(stem, sizeof stem, "appeal-%s", safe);
        appeal_arg a = { r };
        st = out_add(o, stem, ".pdf", &p, err);
        if (st == BILET_OK)
            st = render_pdf(p, _("APPEAL PROTOCOL"), render_appeal, s, &a, err);
    }
    if (st == BILET_OK)
        st = out_add(o, "statistics", ".pdf", &p, err);
    if (st == BILET_OK)
        st = render_pdf(p, _("EXAMINATION STATISTICS"), render_statistics, s, NULL, err);
    if (st == BILET_OK)
        st = out_add(o, "statistics", ".csv", &p, err);
    if (st == BILET_OK)
        st = write_statistics_csv(s, p, err);
    return st;
}

bilet_status documents_write(const documents_statement *s, const char *dir, documents_files *files,
                             bilet_err *err)
{
    if (files)
        files->n = 0;
    paper_fonts_init();
    paper_language_default();
    bool made = false;
    if (mkdir(dir, 0755) == 0)
        made = true;
    else if (errno != EEXIST)
        return bilet_fail(err, BILET_EIO, "%s: cannot create the folder (%s)", dir,
                          strerror(errno));
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return bilet_fail(err, BILET_EIO, "%s: not a folder", dir);
    outset *o = calloc(1, sizeof *o);
    if (!o)
        return bilet_fail(err, BILET_ENOMEM, "out of memory");
    o->dir = dir;
    bilet_status st = write_all(s, o, err);
    if (st == BILET_OK)
        st = out_commit(o, files, err);
    if (st != BILET_OK) {
        out_discard(o);
        if (made)
            rmdir(dir);
    }
    free(o);
    return st;
}
