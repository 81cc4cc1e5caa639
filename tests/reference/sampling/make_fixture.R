# Reference figures for workbench.sampling.pps_probabilities.
#
# Builds a skewed frame of 300 school sizes (log-normal, a few very large schools that
# become certainty units, two zero sizes) with a seeded generator, runs
# sampling::inclusionprobabilities for several n, and writes the fixture read by
# tests/test_sampling.py::test_pps_probabilities_match_r_inclusionprobabilities.
#
# Run from the repository root:  Rscript tests/reference/sampling/make_fixture.R
# Made with R (see the "r_version" column) and the CRAN package 'sampling'.
suppressPackageStartupMessages(library(sampling))

set.seed(20240611)
size <- round(rlnorm(292, meanlog = 3.4, sdlog = 0.9))
size <- pmax(size, 1)
size <- c(size, 2500, 1800, 1200, 900, 700, 450, 0, 0)   # big schools and two empty ones
size <- sample(size)                                     # shuffle: certainty units anywhere

ns <- c(5, 20, 45, 80, 150, 240)
out <- do.call(rbind, lapply(ns, function(n) {
  pik <- suppressWarnings(inclusionprobabilities(size, n))
  data.frame(n = n, unit = seq_along(size), size = size,
             pik = sprintf("%.17g", pik), certain = as.integer(pik >= 1))
}))
out$r_version <- paste(R.version$major, R.version$minor, sep = ".")
out$sampling_version <- as.character(packageVersion("sampling"))

here <- file.path("tests", "reference", "sampling")
write.csv(out, file.path(here, "inclusionprobabilities.csv"), row.names = FALSE, quote = FALSE)
cat("certainty units per n:\n")
print(tapply(out$certain, out$n, sum))
