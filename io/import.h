/*
 * import.h - reading a company (SPEC section 2) into a model.
 *
 * An input is a folder of CSV files or one JSON document holding the same
 * tables. Every row is checked; all errors are reported to the diag (up to
 * its limit) with file, line and column, and warnings likewise. The model is
 * returned only when there was no error: import is all or nothing.
 */
#ifndef MM_IMPORT_H
#define MM_IMPORT_H

#include "mentormatch.h"

/* The longest id (of an employee, a department) an input may give, in bytes. */
#define IMPORT_MAX_ID_BYTES 256

/* A column mapping: for each input file, our column name -> their column name. */
typedef struct import_mapping import_mapping;

/*
 * Loads a mapping file (JSON: {"employees.csv": {"id": "Worker_ID", ...}, ...};
 * a file key may be given with or without ".csv"). Unknown files or columns
 * are MM_ECONFIG errors named with their JSON path. *out is owned by the
 * caller (import_mapping_free).
 */
int import_mapping_load(const char *path, import_mapping **out, mm_diag *diag);
void import_mapping_free(import_mapping *map);

/*
 * Imports the company at path: a folder of CSV files, or a .json document.
 * map may be NULL. On success *out is a finished model owned by the caller
 * (mm_model_free) and sha256_hex (65 bytes) holds the digest of the input
 * files' names and bytes in a fixed order. Returns MM_OK, MM_EDATA (errors in
 * diag), MM_ENOINPUT (path missing or unreadable), MM_ENOMEM.
 */
int import_company(const char *path, const import_mapping *map, mm_model **out,
                   char sha256_hex[65], mm_diag *diag);

#endif
