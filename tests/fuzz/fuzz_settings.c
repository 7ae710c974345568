/*
 * fuzz_settings.c - fuzz target for the configuration parser: the bytes
 * are a config.json parsed in memory with settings_parse over the defaults.
 * A configuration that parses must also survive its own round trip: its
 * effective JSON (settings_to_json) parses again to the same JSON.
 */
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "config.h"
#include "fuzz.h"
#include "mentormatch.h"
#include "settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mm_config cfg, again;
    cJSON *json = NULL;
    char *text = NULL, *text2 = NULL;
    mm_diag *diag = mm_diag_new(1000);
    if (!diag)
        return 0;
    config_defaults(&cfg);
    if (settings_parse((const char *)data, size, "config.json", &cfg, diag) != MM_OK)
        goto done;
    json = settings_to_json(&cfg);
    text = json ? cJSON_PrintUnformatted(json) : NULL;
    if (!text)
        goto done; /* out of memory */
    config_defaults(&again);
    if (settings_parse(text, strlen(text), "effective", &again, diag) != MM_OK)
        abort(); /* the effective configuration must read back */
    cJSON_Delete(json);
    json = settings_to_json(&again);
    text2 = json ? cJSON_PrintUnformatted(json) : NULL;
    if (text2 && strcmp(text, text2) != 0)
        abort(); /* and read back to the same configuration */
done:
    free(text);
    free(text2);
    cJSON_Delete(json);
    mm_diag_free(diag);
    return 0;
}
