# Reference figures for the inference of workbench.survey.RepDesign (issue 10): confidence
# intervals with df, Barnard-Rubin df, svyglm with factor() and interactions, regTermTest
# (Wald), R², withReplicates, pairwise svycontrast, part-whole contrasts, p.adjust.
#
# Run from the repository root:   Rscript tests/reference/survey/make_fixtures_inference.R
# Reads ../shared/reference/timss2011_g4_math.csv.gz and writes
# tests/reference/survey/fixtures_inference.csv (long: case, key, name, value).
#
# R's df convention differs from the engine's: survey uses degf(design) = rank of the
# replicate weights - 1 (74 here) for the whole design and every domain, and MIcombine's
# df.complete; the engine's own df (zones that carry an estimate, Johnson-Rust,
# Barnard-Rubin) is tested by hand in tests/test_survey_inference.py. Here the engine is
# given R's df and must reproduce R's intervals, p-values and F tests.

suppressMessages({
  library(survey)
  library(mitools)
})

file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
here <- if (length(file_arg)) dirname(normalizePath(file_arg)) else getwd()
root <- normalizePath(file.path(here, "..", "..", ".."))
ref <- file.path(dirname(root), "shared", "reference")
timss <- read.csv(gzfile(file.path(ref, "timss2011_g4_math.csv.gz")))
jk2 <- svrepdesign(data = timss, weights = ~TOTWGT, repweights = "w_fstr[0-9]+",
                   type = "JK2", mse = TRUE, combined.weights = TRUE)
math <- paste0("ASMMAT", 1:5)
DF <- degf(jk2)
stopifnot(DF == 74)

rows <- list()
emit <- function(case, key, name, value) {
  rows[[length(rows) + 1]] <<- data.frame(case = case, key = as.character(key), name = name,
                                          value = sprintf("%.17g", as.numeric(value)))
}
emit_vec <- function(case, keys, values) {
  for (nm in names(values)) emit(case, keys, nm, values[[nm]])
}
per_pv <- function(design, fun) {
  lapply(math, function(v) fun(update(design, PV = design$variables[[v]])))
}
mi <- function(res, df.complete = Inf) {
  MIcombine(lapply(res, `[[`, "coef"), lapply(res, `[[`, "var"), df.complete = df.complete)
}
br_df <- function(res, dfc) {  # Barnard & Rubin (1999), written out
  m <- length(res)
  u <- Reduce(`+`, lapply(res, function(r) diag(as.matrix(r$var)))) / m
  b <- apply(do.call(rbind, lapply(res, `[[`, "coef")), 2, var)
  gamma <- (1 + 1 / m) * b / (u + (1 + 1 / m) * b)
  old <- (m - 1) / gamma^2
  obs <- (dfc + 1) / (dfc + 3) * dfc * (1 - gamma)
  1 / (1 / old + 1 / obs)
}
cv <- function(x) list(coef = coef(x), var = vcov(x))

emit("degf", "", "degf", DF)

# ---- confint with df (no PVs) ---------------------------------------------------------
s <- svymean(~scsci, jk2, na.rm = TRUE)
for (lev in c(0.95, 0.9)) {
  ci <- confint(s, level = lev, df = DF)
  emit_vec("ci_scsci", lev, list(estimate = coef(s), se = SE(s), ci_lower = ci[1, 1],
                                 ci_upper = ci[1, 2]))
}

# ---- PV mean: MIcombine df, Barnard-Rubin df ------------------------------------------
res <- per_pv(jk2, function(d) cv(svymean(~PV, d)))
m_inf <- mi(res)
m_74 <- mi(res, DF)
dfbr <- br_df(res, DF)
ci <- coef(m_74) + c(-1, 1) * qt(0.975, dfbr) * sqrt(diag(vcov(m_74)))
emit_vec("mean_math_df", "all", list(estimate = coef(m_74), se = sqrt(diag(vcov(m_74))),
                                     df_rubin = m_inf$df, df_mitools = m_74$df,
                                     df_barnard_rubin = dfbr, ci_lower = ci[1],
                                     ci_upper = ci[2]))

# ---- regression with factor() and an interaction, with PVs ---------------------------
ctrl <- glm.control(epsilon = 1e-12, maxit = 100)
res <- per_pv(jk2, function(d) cv(svyglm(PV ~ factor(lang) * female + books, d,
                                         control = ctrl)))
fit <- mi(res)
for (i in seq_along(coef(fit))) {
  emit_vec("regress_math_lang_x_female", names(coef(fit))[i],
           list(estimate = coef(fit)[i], se = sqrt(diag(vcov(fit)))[i]))
}
idx <- grep("factor\\(lang\\)", names(coef(fit)))
b <- coef(fit)[idx]
chisq <- as.numeric(t(b) %*% solve(vcov(fit)[idx, idx]) %*% b)
emit_vec("wald_math_lang_pv", "C(lang) + C(lang):female",
         list(statistic = chisq / length(idx), df_num = length(idx), df = DF,
              p_value = pf(chisq / length(idx), length(idx), DF, lower.tail = FALSE)))

# ---- regression without PVs: summary p-values and regTermTest -------------------------
g <- svyglm(scsci ~ factor(lang) * female, jk2, control = ctrl)
sm <- summary(g)$coefficients
for (i in seq_len(nrow(sm))) {
  emit_vec("regress_scsci_lang_x_female", rownames(sm)[i],
           list(estimate = sm[i, 1], se = sm[i, 2], p_value = sm[i, 4], df = g$df.residual))
}
for (tt in c("factor(lang):female", "factor(lang)")) {
  w <- regTermTest(g, tt, method = "Wald")
  emit_vec("regtermtest_scsci", tt, list(statistic = w$Ftest, df_num = w$df, df = w$ddf,
                                         p_value = w$p))
}

# ---- R squared -----------------------------------------------------------------------
cc <- subset(jk2, !is.na(books) & !is.na(female))
r2 <- function(d) {
  r <- withReplicates(d, function(w, data) {
    w <- as.vector(w)
    f <- lm.wfit(cbind(1, data$books, data$female), data$PV, w)
    1 - sum(w * f$residuals^2) / sum(w * (data$PV - sum(w * data$PV) / sum(w))^2)
  })
  list(coef = c(r2 = as.numeric(coef(r))), var = as.numeric(SE(r))^2)
}
fit <- mi(lapply(math, function(v) r2(update(cc, PV = cc$variables[[v]]))))
emit_vec("r2_math_books_female", "all", list(estimate = coef(fit), se = sqrt(vcov(fit))))

# ---- withReplicates: a ratio of two domain means --------------------------------------
ratio <- function(d) {
  r <- withReplicates(d, function(w, data) {
    hi <- !is.na(data$books) & data$books >= 3
    lo <- !is.na(data$books) & data$books < 3
    (sum(w * data$PV * hi) / sum(w * hi)) / (sum(w * data$PV * lo) / sum(w * lo))
  })
  list(coef = c(ratio = as.numeric(coef(r))), var = as.numeric(SE(r))^2)
}
fit <- mi(per_pv(jk2, ratio))
emit_vec("replicate_ratio_books", "all", list(estimate = coef(fit), se = sqrt(vcov(fit))))

# ---- pairwise comparisons of languages ------------------------------------------------
pairs <- list("1-2" = c(1, -1, 0), "1-3" = c(1, 0, -1), "2-3" = c(0, 1, -1))
res <- per_pv(jk2, function(d) {
  by <- svyby(~PV, ~lang, d, svymean, covmat = TRUE)
  cv(svycontrast(by, pairs))
})
fit <- mi(res)
est <- coef(fit)
se <- sqrt(diag(vcov(fit)))
p <- 2 * pt(-abs(est / se), DF)
for (i in seq_along(est)) {
  emit_vec("compare_math_lang", names(pairs)[i],
           list(difference = est[i], se = se[i], p_value_df74 = p[i],
                holm_df74 = p.adjust(p, "holm")[i], bh_df74 = p.adjust(p, "BH")[i]))
}

# ---- part-whole: each language against the whole --------------------------------------
part <- function(d) {
  r <- withReplicates(d, function(w, data) {
    w <- as.vector(w)
    tot <- sum(w * data$PV) / sum(w)
    sapply(1:3, function(g) {
      ing <- !is.na(data$lang) & data$lang == g
      sum(w * data$PV * ing) / sum(w * ing) - tot
    })
  })
  list(coef = setNames(as.numeric(coef(r)), 1:3), var = vcov(r))
}
fit <- mi(per_pv(jk2, part))
for (i in 1:3) {
  emit_vec("compare_to_total_math_lang", i,
           list(difference = coef(fit)[i], se = sqrt(diag(vcov(fit)))[i]))
}

# ---- p.adjust on a fixed vector -------------------------------------------------------
p <- c(0.01, 0.04, 0.03, 0.005, 0.5, 0.04)
for (i in seq_along(p)) {
  emit_vec("p_adjust", i, list(p = p[i], holm = p.adjust(p, "holm")[i],
                               bh = p.adjust(p, "BH")[i]))
}

out <- do.call(rbind, rows)
write.csv(out, file.path(here, "fixtures_inference.csv"), row.names = FALSE, quote = TRUE)
writeLines(c(R.version.string, paste("survey", packageVersion("survey")),
             paste("mitools", packageVersion("mitools"))),
           file.path(here, "session_info_inference.txt"))
