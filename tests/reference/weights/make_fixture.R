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


# Replicate-weight standard errors built in R from each study's own rule, independently of
# workbench.weights (tests/test_weights_replicates.py compares RepDesign on our replicates):
# - PISA 2003 NLD, plain Fay BRR: factor 1.5 where PISA's replicate weight is above the full
#   weight, 0.5 where below (PISA's replicates without its non-response re-adjustment);
# - TIMSS 2011 grade 4, full JK2: replicate z doubles JKREP 1 and zeroes JKREP 0 in zone z,
#   replicate 75 + z the other way round; variance scale 1/2.
suppressMessages(library(mitools))
pv_mean <- function(design, pvs) {
  fits <- lapply(pvs, function(v) svymean(as.formula(paste0("~", v)), design))
  res <- MIcombine(fits)
  c(estimate = unname(coef(res)), se = unname(sqrt(diag(vcov(res)))))
}
ref <- file.path("..", "..", "..", "..", "shared", "reference")
pisa <- read.csv(gzfile(file.path(ref, "pisa2003_nld.csv.gz")))
reps <- as.matrix(pisa[, paste0("W_FSTR", 1:80)])
plain <- pisa$W_FSTUWT * ifelse(reps / pisa$W_FSTUWT > 1, 1.5, 0.5)
d_pisa <- svrepdesign(data = pisa, weights = ~W_FSTUWT, repweights = plain, type = "Fay",
                      rho = 0.5, combined.weights = TRUE, mse = TRUE)
timss <- read.csv(gzfile(file.path(ref, "timss2011_g4_math.csv.gz")))
zone <- outer(timss$JKZONE, 1:75, "==")
half <- ifelse(zone, 2 * (timss$JKREP == 1), 1)
other <- ifelse(zone, 2 * (timss$JKREP == 0), 1)
full <- timss$TOTWGT * cbind(half, other)
d_timss <- svrepdesign(data = timss, weights = ~TOTWGT, repweights = full, type = "other",
                       scale = 0.5, rscales = 1, combined.weights = TRUE, mse = TRUE)
out <- rbind(
  data.frame(study = "pisa2003_nld_fay_plain", t(pv_mean(d_pisa, paste0("PV", 1:5, "MATH")))),
  data.frame(study = "timss2011_g4_jk2_full", t(pv_mean(d_timss, paste0("ASMMAT", 1:5)))))
write.csv(out, "replicate_se.csv", row.names = FALSE)

writeLines(capture.output(sessionInfo()), "session_info.txt")
