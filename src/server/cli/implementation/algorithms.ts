/** What `neat algorithms` runs on: loaded by its handler, so that other commands and `--help` never load the catalogue. */
export { catalogue } from "../../../algorithms/catalogue/catalogue.js"
export { formatCatalogueJson, formatCatalogueText } from "../../../algorithms/catalogue/listing.js"
