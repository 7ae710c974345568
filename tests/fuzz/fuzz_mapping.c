/*
 * fuzz_mapping.c - fuzz target for the column mapping file (--mapping,
 * the files in data/mappings/): the bytes are loaded with import_mapping_load, and
 * a mapping that loads is then used to import the small valid company of
 * fuzz_base.c, so the mapped column names reach the header matching.
 */
#include <stdlib.h>

#include "fuzz.h"
#include "import.h"
#include "mentormatch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[4200];
    char sha[65];
    import_mapping *map = NULL;
    mm_model *model = NULL;
    const char *dir = fuzz_base_company();
    mm_diag *diag = mm_diag_new(1000);
    if (!diag)
        return 0;
    fuzz_write("mapping.json", data, size, path, sizeof path);
    int rc = import_mapping_load(path, &map, diag);
    if ((rc == MM_OK) != (map != NULL))
        abort(); /* a mapping exactly when it loaded */
    if (map) {
        mm_diag_clear(diag);
        if (import_company(dir, map, &model, sha, diag) == MM_OK && !model)
            abort();
    }
    mm_model_free(model);
    import_mapping_free(map);
    mm_diag_free(diag);
    return 0;
}
