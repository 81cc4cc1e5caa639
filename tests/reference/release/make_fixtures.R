# Reference figures for the released SPSS file, read by R as an outside researcher would.
#
# Run from the repository root:   Rscript tests/reference/release/make_fixtures.R
# Reads tests/reference/release/ASGKGZS1_cut.sav (cut from the demo's public student file by
# make_sav.py) with haven (user-missing codes -> NA, as SPSS treats them) and writes
# fixtures.csv: the national mean of reading (ASRREA01..05) and its SE by R survey (JK2
# replicate weights RWGT1..75, mse = TRUE: variance = sum of squared replicate deviations)
# + mitools::MIcombine over the plausible values; the NA count of ASBH05 (user-missing 96/99
# and system-missing) and the value labels haven sees for ITSEX; and foreign::read.spss's
# mean of PV1 (a second reader) as a cross-check.

suppressMessages({
  library(haven)
  library(foreign)
  library(survey)
  library(mitools)
})

file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
here <- if (length(file_arg)) dirname(normalizePath(file_arg)) else getwd()
sav <- file.path(here, "ASGKGZS1_cut.sav")

d <- as.data.frame(zap_labels(read_sav(sav, user_na = FALSE)))
labels_itsex <- attr(read_sav(sav)$ITSEX, "labels")
des <- svrepdesign(data = d, weights = ~TOTWGT, repweights = "RWGT[0-9]+", type = "JK2",
                   mse = TRUE, combined.weights = TRUE)
stopifnot(des$scale == 1, all(des$rscales == 1))
pvs <- paste0("ASRREA0", 1:5)
fits <- lapply(pvs, function(pv) svymean(as.formula(paste0("~", pv)), des))
mi <- MIcombine(lapply(fits, coef), lapply(fits, vcov))

f <- suppressWarnings(read.spss(sav, to.data.frame = TRUE, use.value.labels = FALSE,
                                use.missings = TRUE))
rows <- data.frame(
  key = c("mean", "se", "n", "asbh05_na", "asbh05_valid", "pv1_weighted_mean_foreign",
          paste0("itsex_label_", unname(labels_itsex))),
  value = c(sprintf("%.17g", coef(mi)), sprintf("%.17g", sqrt(vcov(mi)[1, 1])),
            nrow(d), sum(is.na(d$ASBH05)), sum(!is.na(d$ASBH05)),
            sprintf("%.17g", weighted.mean(f$ASRREA01, f$TOTWGT)),
            names(labels_itsex))
)
write.csv(rows, file.path(here, "fixtures.csv"), row.names = FALSE, fileEncoding = "UTF-8")
writeLines(capture.output(sessionInfo()), file.path(here, "session_info.txt"))
