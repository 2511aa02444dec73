/*
 * odm-bare.c - the baseline of bench-odm: a bare xmlTextWriter loop
 * writing the elements an ODM export of N episodes holds (SubjectData,
 * StudyEventData, two FormData, item groups, K ItemData with ISO 8601
 * values per episode), with nothing read and nothing computed.
 *
 * odm-bare N K > file
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <libxml/xmlwriter.h>

#define XC(x) ((const xmlChar *)(x))

int
main(int argc, char **argv)
{
	xmlTextWriterPtr w;
	char key[32], val[32];
	long n, k, i, j;

	if (argc != 3 || (n = atol(argv[1])) < 1 || (k = atol(argv[2])) < 1) {
		fputs("usage: odm-bare EPISODES ITEMS-PER-EPISODE\n", stderr);
		return 64;
	}
	if ((w = xmlNewTextWriter(xmlOutputBufferCreateFile(stdout,
	    NULL))) == NULL)
		return 71;
	xmlTextWriterSetIndent(w, 1);
	xmlTextWriterSetIndentString(w, XC(" "));
	xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
	xmlTextWriterStartElement(w, XC("ODM"));
	xmlTextWriterStartElement(w, XC("ClinicalData"));
	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "S%ld", i);
		xmlTextWriterStartElement(w, XC("SubjectData"));
		xmlTextWriterWriteAttribute(w, XC("SubjectKey"), XC(key));
		xmlTextWriterStartElement(w, XC("StudyEventData"));
		xmlTextWriterWriteAttribute(w, XC("StudyEventOID"),
		    XC("SE.EPISODE"));
		xmlTextWriterWriteAttribute(w, XC("StudyEventRepeatKey"),
		    XC("1"));
		for (j = 0; j < k; j++) {
			if (j == 0 || j == k / 2) {
				if (j > 0) {
					xmlTextWriterEndElement(w);
					xmlTextWriterEndElement(w);
				}
				xmlTextWriterStartElement(w, XC("FormData"));
				xmlTextWriterWriteAttribute(w, XC("FormOID"),
				    XC("F.EVENTS"));
				xmlTextWriterStartElement(w,
				    XC("ItemGroupData"));
				xmlTextWriterWriteAttribute(w,
				    XC("ItemGroupOID"), XC("IG.EVENTS"));
			}
			snprintf(val, sizeof(val),
			    "2022-%02ld-%02ldT%02ld:%02ld+08:00", i % 12 + 1,
			    j % 28 + 1, j % 24, i % 60);
			xmlTextWriterStartElement(w, XC("ItemData"));
			xmlTextWriterWriteAttribute(w, XC("ItemOID"),
			    XC("I.CA_ONSET"));
			xmlTextWriterWriteAttribute(w, XC("Value"), XC(val));
			xmlTextWriterEndElement(w);
		}
		xmlTextWriterEndElement(w);
		xmlTextWriterEndElement(w);
		xmlTextWriterEndElement(w);
		xmlTextWriterEndElement(w);
	}
	xmlTextWriterEndDocument(w);
	xmlFreeTextWriter(w);
	return ferror(stdout) ? 74 : 0;
}
