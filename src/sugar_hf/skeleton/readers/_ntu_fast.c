/* Optional C accelerator of sugar_hf.skeleton.readers.ntu.read_ntu_skeleton.
 *
 * parse(data: bytes) -> (per_frame: bytes, body_ids: list[str], values: bytes) | None
 *
 * It accepts only a well-formed NTU .skeleton file in its canonical text form (ASCII digits, signs, '.',
 * 'e'/'E', spaces/tabs, LF or CRLF line ends) and returns None on ANYTHING else, so that the pure-Python
 * reader -- which is always kept -- handles every unusual or malformed file and raises the
 * SkeletonFormatError naming file and line. Whatever this accepts, the Python reader accepts with the
 * same result:
 *   - per_frame: one byte a frame, the body count (0..20);
 *   - body_ids: the bodyID token of every body record, in file order (the exact string, no precision lost);
 *   - values: native float64, (len(body_ids), 25, 12), each value correctly rounded like Python's float()
 *     (Clinger's exact fast path, else PyOS_string_to_double), all finite in float32 too (a value that the
 *     reader's cast to float32 would turn into inf, |v| >= 2**128 - 2**103, is left to the Python reader,
 *     which names its line).
 * It holds no limit of its own beyond the file: the reader checks frames, bodies and sizes on the result.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NTU_JOINTS 25
#define NTU_VALUES 12
#define MAX_BODIES_PER_FRAME 20
#define MAX_TOKENS 16
#define FLOAT32_OVERFLOW 0x1.ffffffp127 /* 2**128 - 2**103: the smallest magnitude float32 rounds to inf */

static const double POW10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static const uint64_t POW10_INT[8] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};

typedef struct {
    const char *p;
    const char *end;
} Cursor;

/* Next line into [*ls, *le) without its LF / CRLF end. 1: got a line, 0: end of data, -1: lone CR. */
static int next_line(Cursor *c, const char **ls, const char **le) {
    if (c->p >= c->end) return 0;
    const char *s = c->p;
    const char *nl = memchr(s, '\n', (size_t)(c->end - s));
    const char *e = nl ? nl : c->end;
    c->p = nl ? nl + 1 : c->end;
    if (e > s && e[-1] == '\r') e--;
    if (memchr(s, '\r', (size_t)(e - s)) != NULL) return -1; /* Python's splitlines would break here */
    *ls = s;
    *le = e;
    return 1;
}

/* Split [s, e) at spaces/tabs; return the token count (counting stops after MAX_TOKENS). */
static int split(const char *s, const char *e, const char *tok[][2]) {
    int n = 0;
    while (s < e) {
        while (s < e && (*s == ' ' || *s == '\t')) s++;
        if (s >= e) break;
        const char *t = s;
        while (s < e && *s != ' ' && *s != '\t') s++;
        if (n == MAX_TOKENS) return n + 1;
        tok[n][0] = t;
        tok[n][1] = s;
        n++;
    }
    return n;
}

static int is_digit(char ch) { return ch >= '0' && ch <= '9'; }

/* A whole line that is one unsigned decimal integer (at most 9 digits); -1 otherwise. */
static long parse_count(const char *s, const char *e) {
    const char *tok[MAX_TOKENS][2];
    if (split(s, e, tok) != 1) return -1;
    const char *t = tok[0][0], *te = tok[0][1];
    if (te - t > 9) return -1;
    long v = 0;
    for (; t < te; t++) {
        if (!is_digit(*t)) return -1;
        v = v * 10 + (*t - '0');
    }
    return v;
}

/* Strict float of [s, e): [+-]digits[.digits][(e|E)[+-]digits], at least one mantissa digit, finite.
 * 0 on success. */
static int parse_float(const char *s, const char *e, double *out) {
    const char *q = s;
    int neg = 0, any = 0, digits = 0, slow = 0;
    uint64_t m = 0;
    long exp10 = 0;
    if (q < e && (*q == '-' || *q == '+')) neg = (*q++ == '-');
    for (; q < e && is_digit(*q); q++) {
        any = 1;
        if (m == 0 && *q == '0') continue;
        if (digits < 19) {
            m = m * 10 + (uint64_t)(*q - '0');
            digits++;
        } else {
            slow = 1;
        }
    }
    if (q < e && *q == '.') {
        for (q++; q < e && is_digit(*q); q++) {
            any = 1;
            if (m == 0 && *q == '0') {
                exp10--;
                continue;
            }
            if (digits < 19) {
                m = m * 10 + (uint64_t)(*q - '0');
                digits++;
                exp10--;
            } else {
                slow = 1;
            }
        }
    }
    if (!any) return -1;
    if (q < e && (*q == 'e' || *q == 'E')) {
        int eneg = 0, edigits = 0;
        long ev = 0;
        q++;
        if (q < e && (*q == '-' || *q == '+')) eneg = (*q++ == '-');
        for (; q < e && is_digit(*q); q++) {
            if (edigits++ < 6) ev = ev * 10 + (*q - '0');
            else slow = 1;
        }
        if (edigits == 0) return -1;
        exp10 += eneg ? -ev : ev;
    }
    if (q != e) return -1;
    double v;
    if (m == 0 && !slow) {
        v = 0.0;
    } else if (!slow && m <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
        /* Both operands exact, one IEEE operation: the correctly rounded result, as float() gives. */
        v = exp10 < 0 ? (double)m / POW10[-exp10] : (double)m * POW10[exp10];
    } else {
        char buf[64];
        char *endp = NULL;
        size_t len = (size_t)(e - s);
        if (len >= sizeof buf) return -1;
        memcpy(buf, s, len);
        buf[len] = '\0';
        v = PyOS_string_to_double(buf, &endp, NULL);
        if (v == -1.0 && PyErr_Occurred()) {
            PyErr_Clear();
            return -1;
        }
        if (endp != buf + len) return -1;
        *out = v; /* sign already in the text */
        return fabs(v) < FLOAT32_OVERFLOW ? 0 : -1; /* false for NaN and inf too */
    }
    if (!(v < FLOAT32_OVERFLOW)) return -1;
    *out = neg ? -v : v;
    return 0;
}

/* ---- fast path for the common token shape [-]d{1,7}[.d{0,7}] (SWAR, Lemire's 8-digit trick) ---- */

static inline uint64_t load8(const char *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* How many of the 8 bytes (little-endian, first char lowest) are ASCII digits before the first non-digit. */
static inline int digit_run(uint64_t v) {
    const uint64_t hi = 0xF0F0F0F0F0F0F0F0ULL, c30 = 0x3030303030303030ULL, low7 = 0x7F7F7F7F7F7F7F7FULL;
    uint64_t nd = ((v & hi) ^ c30) | (((v + 0x0606060606060606ULL) & hi) ^ c30); /* 0 byte: digit */
    uint64_t nonzero = (((nd & low7) + low7) | nd) & 0x8080808080808080ULL;
    return nonzero ? __builtin_ctzll(nonzero) >> 3 : 8;
}

/* Value of the first n (1..8) digit characters of v. */
static inline uint64_t digits_value(uint64_t v, int n) {
    v = (v - 0x3030303030303030ULL) << (8 * (8 - n)); /* drop the bytes after the digits */
    v = (v * 10) + (v >> 8);
    return (((v & 0x000000FF000000FFULL) * 0x000F424000000064ULL) +
            (((v >> 16) & 0x000000FF000000FFULL) * 0x0000271000000001ULL)) >>
           32;
}

static inline int is_delim(const char *q, const char *end) {
    return *q == ' ' || *q == '\t' || *q == '\n' || *q == '\r' || q == end;
}

/* Parse the token at *pp (the data has 16 readable bytes past end); advance *pp past it. 0 on success. */
static int parse_token(const char **pp, const char *end, double *out) {
    const char *s = *pp, *q = s;
    int neg = (*q == '-');
    q += neg;
    uint64_t v = load8(q);
    int n1 = digit_run(v);
    if (n1 < 8) {
        uint64_t m = n1 ? digits_value(v, n1) : 0;
        int n2 = 0;
        q += n1;
        if (*q == '.') {
            v = load8(++q);
            n2 = digit_run(v);
            if (n2 < 8 && n2 > 0) {
                m = m * POW10_INT[n2] + digits_value(v, n2);
                q += n2;
            }
        }
        if (n2 < 8 && n1 + n2 > 0 && is_delim(q, end)) { /* m < 1e15 < 2**53, exponent -n2 >= -7 */
            double d = n2 ? (double)m / POW10[n2] : (double)m;
            *out = neg ? -d : d;
            *pp = q;
            return 0;
        }
    }
    /* anything else (exponent, '+', long digit runs, junk): the strict general parser on the whole token */
    for (q = s; !is_delim(q, end); q++) {
    }
    *pp = q;
    return parse_float(s, q, out);
}

/* Scratch buffers kept between calls (no page faults on every file); the GIL is held throughout a call. */
static char *scratch_text = NULL;
static size_t scratch_text_size = 0;
static double *scratch_values = NULL;
static Py_ssize_t scratch_capacity = 0; /* in body records */

typedef struct {
    double *values;
    Py_ssize_t bodies, capacity;
    PyObject *ids;
    PyObject *per_frame;
} Result;

static PyObject *parse(PyObject *self, PyObject *arg) {
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0) return NULL;
    Result r = {scratch_values, 0, scratch_capacity, NULL, NULL};
    /* a copy with 16 zero bytes after the end, so token parsing may read 8 bytes past any position */
    if ((size_t)view.len + 16 > scratch_text_size) {
        free(scratch_text);
        scratch_text_size = (size_t)view.len + 16;
        scratch_text = malloc(scratch_text_size);
        if (scratch_text == NULL) {
            scratch_text_size = 0;
            PyBuffer_Release(&view);
            return PyErr_NoMemory();
        }
    }
    char *padded = scratch_text;
    memcpy(padded, view.buf, (size_t)view.len);
    memset(padded + view.len, 0, 16);
    Cursor c = {padded, padded + view.len};
    PyObject *out = NULL;
    const char *ls, *le;
    const char *tok[MAX_TOKENS][2];
    long num_frames, t, b, j, k;

    r.ids = PyList_New(0);
    if (r.ids == NULL) goto error;
    if (next_line(&c, &ls, &le) != 1) goto reject;
    num_frames = parse_count(ls, le);
    if (num_frames <= 0 || num_frames > view.len) goto reject;
    r.per_frame = PyBytes_FromStringAndSize(NULL, num_frames);
    if (r.per_frame == NULL) goto error;
    for (t = 0; t < num_frames; t++) {
        if (next_line(&c, &ls, &le) != 1) goto reject;
        long n = parse_count(ls, le);
        if (n < 0 || n > MAX_BODIES_PER_FRAME) goto reject;
        PyBytes_AS_STRING(r.per_frame)[t] = (char)n;
        for (b = 0; b < n; b++) {
            double scratch;
            if (next_line(&c, &ls, &le) != 1 || split(ls, le, tok) != 10) goto reject;
            for (const char *q = tok[0][0]; q < tok[0][1]; q++)
                if (!is_digit(*q)) goto reject;
            for (k = 1; k < 10; k++) /* not used; numeric in canonical files, anything else -> Python */
                if (parse_float(tok[k][0], tok[k][1], &scratch) != 0) goto reject;
            PyObject *id = PyUnicode_DecodeASCII(tok[0][0], tok[0][1] - tok[0][0], NULL);
            if (id == NULL) goto error;
            int failed = PyList_Append(r.ids, id);
            Py_DECREF(id);
            if (failed) goto error;
            if (next_line(&c, &ls, &le) != 1 || parse_count(ls, le) != NTU_JOINTS) goto reject;
            if (r.bodies == r.capacity) {
                Py_ssize_t cap = r.capacity ? 2 * r.capacity : 64;
                double *grown = realloc(r.values, (size_t)cap * NTU_JOINTS * NTU_VALUES * sizeof(double));
                if (grown == NULL) {
                    PyErr_NoMemory();
                    goto error;
                }
                r.values = scratch_values = grown;
                r.capacity = scratch_capacity = cap;
            }
            double *dst = r.values + r.bodies * NTU_JOINTS * NTU_VALUES;
            for (j = 0; j < NTU_JOINTS; j++) { /* 12 tokens, then the line end */
                const char *q = c.p;
                for (k = 0; k < NTU_VALUES; k++) {
                    while (*q == ' ' || *q == '\t') q++;
                    if (parse_token(&q, c.end, dst++) != 0) goto reject;
                }
                while (*q == ' ' || *q == '\t') q++;
                if (*q == '\r') q++;
                if (*q == '\n') q++;
                else if (q != c.end || q[-1] == '\r') goto reject; /* more tokens, a lone CR, junk */
                c.p = q;
            }
            r.bodies++;
        }
    }
    for (int got; (got = next_line(&c, &ls, &le)) != 0;) /* only blank lines may follow */
        if (got < 0 || split(ls, le, tok) != 0) goto reject;
    if (r.bodies == 0) goto reject;
    PyObject *values = PyBytes_FromStringAndSize((const char *)r.values,
                                                 r.bodies * NTU_JOINTS * NTU_VALUES * (Py_ssize_t)sizeof(double));
    if (values == NULL) goto error;
    out = Py_BuildValue("(OON)", r.per_frame, r.ids, values);
    goto error; /* cleanup only; out is set */
reject:
    out = Py_None;
    Py_INCREF(out);
error:
    Py_XDECREF(r.ids);
    Py_XDECREF(r.per_frame);
    PyBuffer_Release(&view);
    return out;
}

static PyMethodDef methods[] = {
    {"parse", parse, METH_O,
     "parse(data: bytes) -> (per_frame: bytes, body_ids: list[str], values: float64 bytes) or None when the "
     "file is not a well-formed canonical NTU .skeleton file (the Python reader then decides)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_ntu_fast", "C fast path of the NTU reader.", -1,
                                    methods};

PyMODINIT_FUNC PyInit__ntu_fast(void) { return PyModule_Create(&module); }
