# Reference figures for workbench.scaling: CML partial credit model (eRm) on rasch_data.csv.
# eRm 1.0-2 (Debian r-cran-erm). Run from this folder: Rscript erm_pcm.R
# Writes erm_thresholds.csv: item, threshold (1, 2), location (the step location d_k on the
# logit scale; eRm's difficulty = -easiness, normalised so that the item-category
# parameters sum to zero), and the CML log-likelihood.
suppressMessages(library(eRm))
x <- read.csv("rasch_data.csv")
m <- PCM(x, se = TRUE, sum0 = TRUE)
th <- thresholds(m)$threshtable[[1]]
rows <- list()
for (i in seq_len(nrow(th))) {
  for (k in 2:ncol(th)) {
    if (!is.na(th[i, k])) {
      rows[[length(rows) + 1]] <- data.frame(item = rownames(th)[i], threshold = k - 1,
                                             location = th[i, k])
    }
  }
}
out <- do.call(rbind, rows)
write.csv(out, "erm_thresholds.csv", row.names = FALSE)
cat("CML loglik", m$loglik, "\n")
