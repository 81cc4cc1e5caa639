# Reference figures for workbench.survey.RepDesign from R survey + mitools.
#
# Run from the repository root:   Rscript tests/reference/survey/make_fixtures.R
# Reads ../shared/reference/{timss2011_g4_math,pisa2003_nld}.csv.gz and writes
# tests/reference/survey/fixtures.csv (one row per estimate) and session_info.txt.
#
# Conventions matched (see workbench/survey/_design.py):
# * replicate designs: svrepdesign(type = "JK2" | "JK1" | "Fay", mse = TRUE,
#   combined.weights = TRUE); JK2-full = type "other", scale 0.5, rscales 1;
# * plausible values: estimate once per PV, then mitools::MIcombine (sampling variance
#   averaged over all PVs + (1 + 1/M) x between-PV variance); the IEA "first PV" rule is
#   computed by hand from the same per-PV results;
# * missing values: na.rm = TRUE / listwise deletion in svyglm; domains by subset();
# * quantiles: svyquantile(qrule = "math", interval.type = "quantile"), SE from se = TRUE
#   (the return.replicates = TRUE path errors in survey 4.1-1);
# * glm convergence tightened (epsilon 1e-12) so coefficients are exact to ~1e-12.

suppressMessages({
  library(survey)
  library(mitools)
})

file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
here <- if (length(file_arg)) dirname(normalizePath(file_arg)) else getwd()
root <- normalizePath(file.path(here, "..", "..", ".."))
ref <- file.path(dirname(root), "shared", "reference")

timss <- read.csv(gzfile(file.path(ref, "timss2011_g4_math.csv.gz")))
pisa <- read.csv(gzfile(file.path(ref, "pisa2003_nld.csv.gz")))

jk2 <- svrepdesign(data = timss, weights = ~TOTWGT, repweights = "w_fstr[0-9]+",
                   type = "JK2", mse = TRUE, combined.weights = TRUE)
stopifnot(jk2$scale == 1, all(jk2$rscales == 1))

math <- paste0("ASMMAT", 1:5)
sci <- paste0("ASSSCI", 1:5)

rows <- list()
emit <- function(case, group, key, est, se, se_sampling = NA, se_imputation = NA) {
  rows[[length(rows) + 1]] <<- data.frame(
    case = case, group = as.character(group), key = as.character(key),
    estimate = sprintf("%.17g", est), se = sprintf("%.17g", se),
    se_sampling = sprintf("%.17g", se_sampling),
    se_imputation = sprintf("%.17g", se_imputation)
  )
}

# Rubin: fun(design, m) returns list(coef = named vector, var = vector of variances)
pv_combine <- function(design, pvs, fun, rule = "all", pvs2 = NULL) {
  res <- lapply(seq_along(pvs), function(m) {
    dm <- update(design, PV = design$variables[[pvs[m]]])
    if (!is.null(pvs2)) dm <- update(dm, PV2 = design$variables[[pvs2[m]]])
    fun(dm)
  })
  est <- lapply(res, `[[`, "coef")
  vars <- lapply(res, function(r) diag(r$var, nrow = length(r$coef)))
  mi <- MIcombine(est, vars)
  m <- length(pvs)
  vbar <- Reduce(`+`, lapply(res, `[[`, "var")) / m
  b <- apply(do.call(rbind, est), 2, var)
  u <- if (rule == "all") vbar else res[[1]]$var
  total <- if (rule == "all") diag(mi$variance) else u + (1 + 1 / m) * b
  list(coef = mi$coefficients, se = sqrt(total), se_sampling = sqrt(u),
       se_imputation = sqrt((1 + 1 / m) * b))
}
stat <- function(x) list(coef = coef(x), var = diag(as.matrix(vcov(x))))
emit_pv <- function(case, group, r, keys = names(r$coef)) {
  emit(case, group, keys, r$coef, r$se, r$se_sampling, r$se_imputation)
}
emit_stat <- function(case, group, s, keys = names(s$coef)) {
  emit(case, group, keys, s$coef, sqrt(s$var))
}
groups <- function(design, var) sort(unique(na.omit(design$variables[[var]])))
dom <- function(design, var, g) {
  design[!is.na(design$variables[[var]]) & design$variables[[var]] == g, ]
}

# ---- means ---------------------------------------------------------------------------
emit_pv("mean_math", "all", pv_combine(jk2, math, function(d) stat(svymean(~PV, d))))
emit_pv("mean_math_first", "all",
        pv_combine(jk2, math, function(d) stat(svymean(~PV, d)), rule = "first"))
for (g in groups(jk2, "female")) {
  dg <- dom(jk2, "female", g)
  emit_pv("mean_math_by_female", g, pv_combine(dg, math, function(d) stat(svymean(~PV, d))))
  emit_pv("mean_math_by_female_first", g,
          pv_combine(dg, math, function(d) stat(svymean(~PV, d)), rule = "first"))
}
for (g in groups(jk2, "lang")) {
  emit_stat("mean_scsci_by_lang", g, stat(svymean(~scsci, dom(jk2, "lang", g), na.rm = TRUE)))
}
emit_pv("mean_math_subset_lang1", "all",
        pv_combine(subset(jk2, !is.na(lang) & lang == 1), math,
                   function(d) stat(svymean(~PV, d))))

# ---- totals --------------------------------------------------------------------------
emit_stat("total_female", "all", stat(svytotal(~female, jk2, na.rm = TRUE)))
for (g in groups(jk2, "female")) {
  emit_stat("total_migrant_by_female", g,
            stat(svytotal(~migrant, dom(jk2, "female", g), na.rm = TRUE)))
}
emit_pv("total_math", "all", pv_combine(jk2, math, function(d) stat(svytotal(~PV, d))))

# ---- percentages ---------------------------------------------------------------------
for (g in groups(jk2, "female")) {
  s <- svymean(~factor(books), dom(jk2, "female", g), na.rm = TRUE)
  emit("percent_books_by_female", g, sub("factor\\(books\\)", "", names(coef(s))),
       100 * coef(s), 100 * SE(s))
}
cuts <- c(400, 475, 550, 625)
bench <- function(d) {
  x <- sapply(cuts, function(c) as.numeric(d$variables$PV >= c))
  s <- svymean(x, d)
  list(coef = setNames(100 * coef(s), cuts), var = 100^2 * diag(as.matrix(vcov(s))))
}
for (g in groups(jk2, "female")) {
  emit_pv("pct_at_or_above_math_by_female", g, pv_combine(dom(jk2, "female", g), math, bench))
}

# ---- quantiles -----------------------------------------------------------------------
probs <- c(0.1, 0.5, 0.9)
quant <- function(d) {
  q <- svyquantile(~PV, d, probs, qrule = "math", interval.type = "quantile", se = TRUE)
  list(coef = setNames(q$PV[, "quantile"], probs), var = SE(q)^2)
}
for (g in groups(jk2, "female")) {
  emit_pv("quantile_math_by_female", g, pv_combine(dom(jk2, "female", g), math, quant))
}
q <- svyquantile(~scsci, jk2, probs, qrule = "math", interval.type = "quantile", se = TRUE,
                 na.rm = TRUE)
emit("quantile_scsci", "all", probs, q$scsci[, "quantile"], SE(q))

# ---- standard deviations -------------------------------------------------------------
sdev <- function(d, formula = ~PV) {
  v <- svyvar(formula, d, na.rm = TRUE, return.replicates = TRUE)
  est <- sqrt(as.numeric(v$variance))
  reps <- sqrt(as.numeric(v$replicates))
  list(coef = c(sd = est), var = svrVar(reps, d$scale, d$rscales, mse = d$mse, coef = est))
}
for (g in groups(jk2, "female")) {
  emit_pv("std_math_by_female", g, pv_combine(dom(jk2, "female", g), math, sdev))
}
emit_stat("std_scsci", "all", sdev(jk2, ~scsci))

# ---- correlations --------------------------------------------------------------------
wcor <- function(d, a, b) {
  ok <- !is.na(d$variables[[a]]) & !is.na(d$variables[[b]])
  d <- d[ok, ]
  r <- withReplicates(d, function(w, data) cov.wt(cbind(data[[a]], data[[b]]), wt = as.vector(w),
                                                   cor = TRUE)$cor[1, 2])
  list(coef = c(r = as.numeric(coef(r))), var = as.numeric(SE(r))^2)
}
emit_pv("corr_math_sci", "all", pv_combine(jk2, math, function(d) wcor(d, "PV", "PV2"),
                                           pvs2 = sci))
emit_pv("corr_math_scsci", "all", pv_combine(jk2, math, function(d) wcor(d, "PV", "scsci")))
emit_stat("corr_scsci_likesc", "all", wcor(jk2, "scsci", "likesc"))

# ---- regressions ---------------------------------------------------------------------
ctrl <- glm.control(epsilon = 1e-12, maxit = 100)
reg <- function(f, family = gaussian()) {
  function(d) {
    g <- svyglm(f, d, family = family, control = ctrl)
    list(coef = coef(g), var = diag(vcov(g)))
  }
}
emit_pv("regress_math_books_female", "all", pv_combine(jk2, math, reg(PV ~ books + female)))
emit_pv("regress_math_books_female_first", "all",
        pv_combine(jk2, math, reg(PV ~ books + female), rule = "first"))
emit_pv("regress_math_lang_female", "all",
        pv_combine(jk2, math, reg(PV ~ factor(lang) + female)))
emit_stat("regress_scsci_likesc", "all", reg(scsci ~ likesc)(jk2))
emit_stat("logit_migrant_books_female", "all",
          reg(migrant ~ books + female, quasibinomial())(jk2))
emit_pv("logit_migrant_math_female", "all",
        pv_combine(jk2, math, reg(migrant ~ PV + female, quasibinomial())))

# ---- gaps (covariance of the two group estimates through the replicates) --------------
gapfun <- function(formula) {
  function(d) {
    b <- svyby(formula, ~female, d, svymean, na.rm = TRUE, covmat = TRUE)
    s <- svycontrast(b, c(-1, 1))
    list(coef = c(gap = as.numeric(coef(s))), var = as.numeric(SE(s))^2)
  }
}
emit_pv("gap_math_female", "all", pv_combine(jk2, math, gapfun(~PV)))
emit_stat("gap_scsci_female", "all", gapfun(~scsci)(jk2))

# ---- other replication methods -------------------------------------------------------
jk1 <- svrepdesign(data = timss, weights = ~TOTWGT, repweights = "w_fstr[0-9]+",
                   type = "JK1", scale = 74 / 75, mse = TRUE, combined.weights = TRUE)
emit_pv("jk1_mean_math", "all", pv_combine(jk1, math, function(d) stat(svymean(~PV, d))))

# JK2-full: two replicates per zone (zone z: JKREP=1 doubled/JKREP=0 zeroed, then the reverse)
full <- do.call(cbind, lapply(1:75, function(z) {
  inz <- timss$JKZONE == z
  a <- timss$TOTWGT * ifelse(inz, 2 * (timss$JKREP == 1), 1)
  b <- timss$TOTWGT * ifelse(inz, 2 * (timss$JKREP == 0), 1)
  cbind(a, b)
}))
jkf <- svrepdesign(data = timss, weights = ~TOTWGT, repweights = full, type = "other",
                   scale = 0.5, rscales = 1, mse = TRUE, combined.weights = TRUE)
for (g in groups(jkf, "female")) {
  emit_pv("jk2full_mean_math_by_female", g,
          pv_combine(dom(jkf, "female", g), math, function(d) stat(svymean(~PV, d))))
}
emit_pv("jk2full_mean_math", "all", pv_combine(jkf, math, function(d) stat(svymean(~PV, d))))

fay <- svrepdesign(data = pisa, weights = ~W_FSTUWT, repweights = "W_FSTR[0-9]+",
                   type = "Fay", rho = 0.5, mse = TRUE, combined.weights = TRUE)
stopifnot(abs(fay$scale - 1 / 20) < 1e-15)
pmath <- paste0("PV", 1:5, "MATH")
emit_pv("fay_mean_math", "all", pv_combine(fay, pmath, function(d) stat(svymean(~PV, d))))
for (g in groups(fay, "ST03Q01")) {
  emit_pv("fay_mean_math_by_st03q01", g,
          pv_combine(dom(fay, "ST03Q01", g), pmath, function(d) stat(svymean(~PV, d))))
}

out <- do.call(rbind, rows)
write.csv(out, file.path(here, "fixtures.csv"), row.names = FALSE, quote = TRUE)
writeLines(c(R.version.string, paste("survey", packageVersion("survey")),
             paste("mitools", packageVersion("mitools"))),
           file.path(here, "session_info.txt"))
cat("wrote", nrow(out), "rows to", file.path(here, "fixtures.csv"), "\n")
