# Reference figures for the validity-stage additions of workbench.psychometrics (issue 6):
# psych::KMO, psych::cortest.bartlett, psych::fa(fm = "ml", rotate = "varimax"),
# lavaan::cfa (single group and the configural / metric / scalar sequence), psych::ICC.
#
# Run from the repository root:  Rscript tests/reference/psychometrics/make_fixtures_validity.R
# (make_fixtures.R sources it too). Writes data_*.csv and ref_*.csv beside this script;
# tests/test_psychometrics_efa.py and tests/test_psychometrics_validity.py read them.

suppressMessages({
  library(psych)
  library(lavaan)
})
file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
here <- if (length(file_arg) && grepl("validity", file_arg[1])) dirname(normalizePath(file_arg[1])) else
  if (exists("here")) here else getwd()
out <- function(x, name) write.csv(x, file.path(here, name), row.names = FALSE, na = "")

# ---- EFA: bfi A1-A5 and N1-N5, complete cases ------------------------------------------
x <- na.omit(bfi[, c(paste0("A", 1:5), paste0("N", 1:5))])
out(x, "data_bfi_an.csv")
k <- KMO(x)
out(data.frame(item = c(colnames(x), "overall"), msa = c(unname(k$MSAi), k$MSA)), "ref_kmo.csv")
b <- cortest.bartlett(cor(x), n = nrow(x))
out(data.frame(chisq = b$chisq, df = b$df, p_value = b$p.value), "ref_bartlett.csv")
f <- fa(x, nfactors = 2, fm = "ml", rotate = "varimax")
L <- unclass(f$loadings)
out(data.frame(item = rep(rownames(L), 2), factor = rep(1:2, each = nrow(L)),
               loading = c(L[, 1], L[, 2]), communality = rep(f$communality, 2)),
    "ref_efa_varimax.csv")
f0 <- fa(x, nfactors = 2, fm = "ml", rotate = "none")
out(data.frame(item = rownames(f0$loadings), communality = f0$communality),
    "ref_efa_unrotated.csv")

# ---- CFA and invariance: HolzingerSwineford1939, by school ------------------------------
hs <- HolzingerSwineford1939[, c("school", paste0("x", 1:9))]
out(hs, "data_holzinger.csv")
model <- "visual =~ x1 + x2 + x3\n textual =~ x4 + x5 + x6\n speed =~ x7 + x8 + x9"
fm <- c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr")
one <- cfa(model, data = hs, std.lv = TRUE)
std <- standardizedSolution(one)
std <- std[std$op == "=~", ]
out(data.frame(factor = std$lhs, item = std$rhs, std_loading = std$est.std), "ref_cfa_loadings.csv")
fits <- list(single = fitMeasures(one, fm),
             configural = fitMeasures(cfa(model, hs, group = "school"), fm),
             metric = fitMeasures(cfa(model, hs, group = "school", group.equal = "loadings"), fm),
             scalar = fitMeasures(cfa(model, hs, group = "school",
                                      group.equal = c("loadings", "intercepts")), fm))
out(data.frame(level = names(fits), do.call(rbind, lapply(fits, unname))) |>
      setNames(c("level", "chisq", "df", "p_value", "cfi", "tli", "rmsea", "srmr")),
    "ref_cfa_fit.csv")

# ---- ICC: psych::ICC on the double codes of make_fixtures.R --------------------------
dc <- read.csv(file.path(here, "data_double_codes.csv"))
ic <- ICC(dc[, 1:2], lmer = FALSE)$results
out(data.frame(type = ic$type, icc = ic$ICC, ci_lower = ic$`lower bound`,
               ci_upper = ic$`upper bound`), "ref_icc.csv")

writeLines(capture.output(sessionInfo()), file.path(here, "session_info_validity.txt"))
