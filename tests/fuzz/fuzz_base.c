/*
 * fuzz_base.c - the private folder of a fuzz target and the small valid
 * company the CSV and mapping targets put beside the file being fuzzed
 * (the tables of tests/cases/_base), so that every table is read and checked
 * against real employees.
 */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct {
    const char *name;
    const char *text;
} base_files[] = {
    {"departments.csv",
     "id,name,parent_id\n"
     "ENG,Engineering,\n"
     "PLAT,Platform,ENG\n"
     "SAL,Sales,\n"},
    {"employees.csv",
     "id,name,department,grade,timezone,roles,email,manager_id,location,hire_date,"
     "mentor_capacity,host_capacity\n"
     "E001,Ada Byron,ENG,12,Europe/Berlin,mentor,ada.byron@example.com,,Berlin,2015-03-01,2,2\n"
     "E002,Canary Zebrafish,PLAT,5,Europe/Berlin,learner,canary@example.invalid,E001,"
     "Berlin,2022-06-15,,\n"
     "E003,Grace Hopper,PLAT,9,America/New_York,mentor;host,grace.hopper@example.com,"
     "E001,New York,2018-01-10,3,1\n"
     "E004,Linus Torvald,SAL,4,Europe/London,learner,linus.torvald@example.com,E005,"
     "London,2023-02-01,,\n"
     "E005,Margaret Hamiltone,SAL,11,Europe/London,mentor;host,margaret.h@example.com,"
     ",London,2016-09-12,2,2\n"
     "E006,Kenneth Thompsen,ENG,6,America/New_York,learner;host,ken.t@example.com,"
     "E003,New York,2021-11-30,0,1\n"
     "E007,Dennis Ritchy,PLAT,7,Asia/Tokyo,learner,dennis.r@example.com,E003,Tokyo,"
     "2020-04-01,,\n"
     "E008,Barbara Liskow,SAL,8,Europe/Berlin,mentor,barbara.l@example.com,E005,"
     "Berlin,2019-07-07,1,0\n"},
    {"skills.csv",
     "employee_id,skill,level\n"
     "E001,Python,5\n"
     "E001,Leadership,4\n"
     "E002,Python,1\n"
     "E003,SQL,4\n"
     "E003,Python,3\n"
     "E003,Kubernetes,5\n"
     "E004,SQL,1\n"
     "E005,Negotiation,5\n"
     "E005,SQL,3\n"
     "E006,Python,2\n"
     "E006,Kubernetes,3\n"
     "E007,Kubernetes,1\n"
     "E008,Leadership,5\n"
     "E008,Negotiation,4\n"},
    {"goals.csv",
     "employee_id,skill,target_level,priority,track\n"
     "E002,Python,3,1,mentoring\n"
     "E002,Kubernetes,2,2,any\n"
     "E004,SQL,3,1,mentoring\n"
     "E004,Negotiation,3,3,shadowing\n"
     "E006,Leadership,3,2,any\n"
     "E007,Kubernetes,4,1,\n"},
    {"availability.csv",
     "employee_id,day,start,end\n"
     "E001,mon,09:00,12:00\n"
     "E001,wed,14:00,17:00\n"
     "E002,mon,10:00,11:30\n"
     "E002,wed,14:00,16:00\n"
     "E003,mon,09:00,12:00\n"
     "E003,thu,08:00,11:00\n"
     "E004,mon,13:00,17:00\n"
     "E004,thu,13:00,16:00\n"
     "E005,tue,09:00,17:00\n"
     "E005,mon,13:00,15:00\n"
     "E006,tue,08:00,12:00\n"
     "E006,thu,09:00,11:00\n"
     "E007,tue,17:00,20:00\n"
     "E007,fri,16:00,19:00\n"
     "E008,wed,09:00,17:00\n"},
    {"history.csv",
     "learner_id,partner_id,quarter,track\n"
     "E002,E003,2025Q2,mentoring\n"
     "E007,E003,2024Q4,\n"},
    {"exclusions.csv",
     "a_id,b_id,reason\n"
     "E007,E005,conflict of interest\n"},
    {"pins.csv",
     "learner_id,partner_id,track\n"
     "E004,E003,mentoring\n"},
    {"preferences.csv",
     "learner_id,partner_id,rank\n"
     "E002,E003,1\n"
     "E002,E008,2\n"
     "E006,E008,1\n"},
};
#define N_BASE (sizeof base_files / sizeof base_files[0])

static char dir[4096];

/* At exit: the folder is flat (files only), so unlinking its entries empties it. */
static void remove_dir(void)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    char path[4400];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

const char *fuzz_dir(void)
{
    if (dir[0])
        return dir;
    const char *tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    snprintf(dir, sizeof dir, "%s/mm-fuzz-XXXXXX", tmp);
    if (!mkdtemp(dir)) {
        perror("fuzz: mkdtemp");
        exit(2);
    }
    atexit(remove_dir);
    return dir;
}

void fuzz_write(const char *name, const void *data, size_t len, char *path, size_t size)
{
    int n = snprintf(path, size, "%s/%s", fuzz_dir(), name);
    if (n < 0 || (size_t)n >= size) {
        fprintf(stderr, "fuzz: path too long\n");
        exit(2);
    }
    FILE *f = fopen(path, "wb");
    if (!f || (len && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

const char *fuzz_base_file(const char *name)
{
    for (size_t i = 0; i < N_BASE; i++)
        if (strcmp(base_files[i].name, name) == 0)
            return base_files[i].text;
    return NULL;
}

const char *fuzz_base_company(void)
{
    static int written;
    if (!written) {
        char path[4200];
        for (size_t i = 0; i < N_BASE; i++)
            fuzz_write(base_files[i].name, base_files[i].text, strlen(base_files[i].text), path,
                       sizeof path);
        written = 1;
    }
    return fuzz_dir();
}
