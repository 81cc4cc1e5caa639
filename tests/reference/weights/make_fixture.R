# Fixtures for tests/test_weights_replicates.py: R survey's Hadamard matrices and Fay BRR
# replicate factors. Run from this folder:  Rscript make_fixture.R
suppressMessages(library(survey))

# Hadamard matrices (0/1 as survey writes them; 1 = +1)
write.csv(hadamard(7), "hadamard_8.csv", row.names = FALSE)
write.csv(hadamard(79), "hadamard_80.csv", row.names = FALSE)

# Fay BRR factors: H strata x 2 PSUs, zero-padded stratum names so that R's character
# sort equals the numeric order; the first PSU listed in each stratum has the smaller id.
brr_fixture <- function(n_strata, file) {
  strata <- sprintf("z%02d", rep(seq_len(n_strata), each = 2))
  psu <- seq_len(2 * n_strata)
  rw <- brrweights(strata, psu, fay.rho = 0.5, only.weights = TRUE, compress = FALSE)
  out <- data.frame(zone = rep(seq_len(n_strata), each = 2), unit = rep(1:2, n_strata),
                    unclass(rw))
  names(out)[-(1:2)] <- paste0("r", seq_len(ncol(rw)))
  write.csv(out, file, row.names = FALSE)
}
brr_fixture(7, "brr_fay_7zones.csv")
brr_fixture(79, "brr_fay_79zones.csv")

writeLines(capture.output(sessionInfo()), "session_info.txt")
