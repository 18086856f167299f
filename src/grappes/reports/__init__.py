"""Reports: readable HTML documents with maps and tables, in French, Arabic or English."""
