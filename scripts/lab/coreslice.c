/*
 * coreslice: prints, in hex, bytes of a PV guest's memory from the ELF
 * core file that `xl dump-core` writes. The lab uses it to compare the
 * running DomU's system call table with the one in its kernel image.
 *
 *   coreslice CORE PFN OFFSET LENGTH
 *
 * Reads LENGTH bytes starting OFFSET bytes into guest page frame PFN
 * (continuing into PFN+1, ...). In a PV core, section ".xen_p2m" lists
 * {pfn, gmfn} pairs in the order of the pages stored in ".xen_pages".
 */
#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096u

static FILE *core;

static void die(const char *msg)
{
	fprintf(stderr, "coreslice: %s\n", msg);
	exit(1);
}

static void read_at(void *buf, size_t len, uint64_t off)
{
	if (fseeko(core, (off_t)off, SEEK_SET) || fread(buf, 1, len, core) != len)
		die("short read");
}

int main(int argc, char **argv)
{
	Elf64_Ehdr eh;
	Elf64_Shdr *sh, *pages = NULL, *p2m = NULL;
	char *names;
	uint64_t pfn, off, len, i, n;

	if (argc != 5)
		die("usage: coreslice CORE PFN OFFSET LENGTH");
	core = fopen(argv[1], "rb");
	if (!core)
		die("cannot open the core file");
	pfn = strtoull(argv[2], NULL, 0);
	off = strtoull(argv[3], NULL, 0);
	len = strtoull(argv[4], NULL, 0);

	read_at(&eh, sizeof(eh), 0);
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_shentsize != sizeof(Elf64_Shdr) || eh.e_shnum == 0 || eh.e_shnum > 64 ||
	    eh.e_shstrndx >= eh.e_shnum)
		die("not a 64-bit ELF core");
	sh = calloc(eh.e_shnum, sizeof(*sh));
	read_at(sh, eh.e_shnum * sizeof(*sh), eh.e_shoff);
	if (sh[eh.e_shstrndx].sh_size > 65536)
		die("bad section names");
	names = calloc(1, sh[eh.e_shstrndx].sh_size + 1);
	read_at(names, sh[eh.e_shstrndx].sh_size, sh[eh.e_shstrndx].sh_offset);
	for (i = 0; i < eh.e_shnum; i++) {
		if (sh[i].sh_name >= sh[eh.e_shstrndx].sh_size)
			continue;
		if (!strcmp(names + sh[i].sh_name, ".xen_pages"))
			pages = &sh[i];
		else if (!strcmp(names + sh[i].sh_name, ".xen_p2m"))
			p2m = &sh[i];
	}
	if (!pages || !p2m)
		die("no .xen_pages/.xen_p2m: not a PV core");

	n = p2m->sh_size / 16;
	while (len) {
		uint64_t want = pfn + off / PAGE, in = off % PAGE, chunk, e[2];
		unsigned char page[PAGE];

		for (i = 0; i < n; i++) {
			read_at(e, sizeof(e), p2m->sh_offset + i * 16);
			if (e[0] == want)
				break;
		}
		if (i == n)
			die("page frame not in the core");
		read_at(page, PAGE, pages->sh_offset + i * PAGE);
		chunk = PAGE - in < len ? PAGE - in : len;
		for (uint64_t k = 0; k < chunk; k++)
			printf("%02x", page[in + k]);
		off += chunk;
		len -= chunk;
	}
	printf("\n");
	return 0;
}
