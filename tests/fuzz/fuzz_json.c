/*
 * fuzz_json.c - fuzz target for the JSON document input: the bytes are one
 * company.json ({"employees": [...], "skills": [...], ...}) imported with
 * import_company, as `mentormatch import company.json` does.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "import.h"
#include "mentormatch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[4200];
    char sha[65];
    mm_model *model = NULL;
    mm_diag *diag = mm_diag_new(1000);
    if (!diag)
        return 0;
    fuzz_write("company.json", data, size, path, sizeof path);
    if (import_company(path, NULL, &model, sha, diag) == MM_OK && !model)
        abort(); /* success without a model breaks import's contract */
    mm_model_free(model);
    mm_diag_free(diag);
    return 0;
}
