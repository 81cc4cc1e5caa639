# Reference figures for workbench.psychometrics from eRm, psych, lavaan and stats.
#
# Run from the repository root:   Rscript tests/reference/psychometrics/make_fixtures.R
# Writes, beside this script, the input data (data_*.csv) and the R figures (ref_*.csv);
# tests/test_psychometrics*.py read them, so CI needs no R. session_info.txt records versions.
#
# Cases
# * eRm::RM   on raschdat1 (100 x 30), and on raschdat1 with a two-booklet NA design;
# * eRm::PCM  on pcmdat2 (300 x 4), on pcmdat2 with NA, and on psych::bfi N1-N5 (0-5);
#   item parameters (betapar = easiness, sum-zero), SEs, thresholds, itemfit, person ML;
# * psych::alpha (raw alpha, Feldt CI), psych::fa(fm = "ml") one-factor loadings,
#   psych::omega(nfactors = 1, fm = "ml") omega total, lavaan::cfa std.all loadings,
#   eigen(cor(x)) eigenvalues, all on bfi N1-N5 complete cases;
# * psych::cohen.kappa on simulated double codes (0-2);
# * stats::mantelhaen.test per item on a simulated 10-item test with planted DIF.
#
# eRm stops nlm at its default gradtol (1e-6) with numerical gradients, which leaves its
# estimates ~1e-5 logits from the CML optimum (workbench's log-likelihood was higher by
# ~5e-8). Below, eRm's own fitcml and person.parameter are re-used with nlm's stopping rule
# tightened (gradtol 1e-10, steptol 1e-12) and nothing else changed, so the fixtures are
# eRm's figures at the optimum. Its SEs still come from nlm's finite-difference Hessian
# (accurate to ~1e-5).

suppressMessages({
  library(eRm)
  library(psych)
  library(lavaan)
})

tighten <- function(fname) {
  src <- deparse(get(fname, envir = asNamespace("eRm")))
  for (lim in c("iterlim = 5000L)", "iterlim = 1000L)", "iterlim = 1000)"))
    src <- gsub(lim, sub(")", ", gradtol = 1e-10, steptol = 1e-12)", lim, fixed = TRUE), src,
                fixed = TRUE)
  f <- eval(parse(text = src))
  environment(f) <- asNamespace("eRm")
  assignInNamespace(fname, f, "eRm")
}
tighten("fitcml")
tighten("person.parameter.eRm")

file_arg <- sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE))
here <- if (length(file_arg)) dirname(normalizePath(file_arg)) else getwd()
out <- function(x, name) write.csv(x, file.path(here, name), row.names = FALSE, na = "")

# ---- Rasch / PCM by CML -------------------------------------------------------------
cml_case <- function(X, case, model) {
  m <- if (model == "RM") RM(X) else PCM(X)
  pp <- person.parameter(m)
  fit <- itemfit(pp)
  pars <- data.frame(case = case, parameter = names(m$betapar), beta = m$betapar,
                     se_beta = m$se.beta)
  items <- data.frame(case = case, item = colnames(X), infit_msq = fit$i.infitMSQ,
                      outfit_msq = fit$i.outfitMSQ, infit_t = fit$i.infitZ,
                      outfit_t = fit$i.outfitZ, n = fit$i.df)
  if (model == "PCM") {
    th <- thresholds(m)
    tt <- th$threshtable[[1]]
    items$location <- tt[, "Location"]
    pars$threshold <- th$threshpar
    pars$se_threshold <- th$se.thresh
  }
  # person ML estimates by NA group and raw score (non-extreme scores only)
  persons <- do.call(rbind, lapply(seq_along(pp$thetapar), function(g) {
    theta <- pp$thetapar[[g]]
    ids <- as.integer(names(theta))
    data.frame(case = case, row = ids, theta = unname(theta), se = unname(pp$se.theta[[g]]))
  }))
  list(pars = pars, items = items, persons = persons[order(persons$row), ],
       loglik = data.frame(case = case, loglik = m$loglik, npar = m$npar, iter = m$iter))
}

X1 <- as.matrix(raschdat1); rownames(X1) <- seq_len(nrow(X1))
X1na <- X1; X1na[1:50, 21:30] <- NA; X1na[51:100, 1:10] <- NA
P2 <- as.matrix(pcmdat2); rownames(P2) <- seq_len(nrow(P2))
P2na <- P2; P2na[1:150, 4] <- NA; P2na[151:300, 1] <- NA
bfiN <- psych::bfi[complete.cases(psych::bfi[, c("N1", "N2", "N3", "N4", "N5")]),
                   c("N1", "N2", "N3", "N4", "N5")] - 1
bfiN <- as.matrix(bfiN); rownames(bfiN) <- seq_len(nrow(bfiN))

out(X1, "data_raschdat1.csv"); out(X1na, "data_raschdat1_na.csv")
out(P2, "data_pcmdat2.csv"); out(P2na, "data_pcmdat2_na.csv"); out(bfiN, "data_bfi_n.csv")

cases <- list(cml_case(X1, "raschdat1", "RM"), cml_case(X1na, "raschdat1_na", "RM"),
              cml_case(P2, "pcmdat2", "PCM"), cml_case(P2na, "pcmdat2_na", "PCM"),
              cml_case(bfiN, "bfi_n", "PCM"))
bind <- function(part) {
  frames <- lapply(cases, `[[`, part)
  cols <- unique(unlist(lapply(frames, names)))
  do.call(rbind, lapply(frames, function(f) { f[setdiff(cols, names(f))] <- NA; f[cols] }))
}
out(bind("pars"), "ref_cml_parameters.csv")
out(bind("items"), "ref_cml_itemfit.csv")
out(bind("persons"), "ref_cml_persons.csv")
out(bind("loglik"), "ref_cml_loglik.csv")

# ---- reliability and factor analysis on bfi N1-N5 -------------------------------------
a <- psych::alpha(as.data.frame(bfiN))
f1 <- psych::fa(bfiN, nfactors = 1, fm = "ml")
om <- suppressWarnings(suppressMessages(psych::omega(bfiN, nfactors = 1, fm = "ml",
                                                      plot = FALSE)))
cfa <- lavaan::cfa("f =~ N1 + N2 + N3 + N4 + N5", data = as.data.frame(bfiN), std.lv = TRUE)
std <- lavaan::standardizedSolution(cfa)
std <- std[std$op == "=~", ]
ev <- eigen(cor(bfiN))$values
rel <- list(raw_alpha = a$total$raw_alpha, alpha_ase = a$total$ase,
            feldt_lower = a$feldt$lower.ci, feldt_upper = a$feldt$upper.ci,
            omega_total = om$omega.tot, n = nrow(bfiN),
            cfa_chisq = lavaan::fitMeasures(cfa, "chisq"), cfa_df = lavaan::fitMeasures(cfa, "df"),
            cfa_cfi = lavaan::fitMeasures(cfa, "cfi"), cfa_rmsea = lavaan::fitMeasures(cfa, "rmsea"))
out(data.frame(statistic = names(rel), value = vapply(rel, function(v) as.numeric(v)[1], 0)),
    "ref_reliability_bfi_n.csv")
out(data.frame(item = colnames(bfiN), fa_ml_loading = as.vector(f1$loadings),
               fa_ml_uniqueness = unname(f1$uniquenesses), cfa_std_loading = std$est.std,
               item_rest_r = a$item.stats$r.drop, alpha_if_dropped = a$alpha.drop$raw_alpha,
               eigenvalue = ev),
    "ref_factor_bfi_n.csv")

# ---- rater agreement -----------------------------------------------------------------
set.seed(20261101)
n <- 600
true_code <- sample(0:2, n, replace = TRUE, prob = c(.3, .45, .25))
flip <- runif(n) < .18
second <- ifelse(flip, pmin(2, pmax(0, true_code + sample(c(-1, 1), n, replace = TRUE))),
                 true_code)
second[sample(which(flip), 10)] <- sample(0:2, 10, replace = TRUE)
codes <- data.frame(r1 = true_code, r2 = second)
out(codes, "data_double_codes.csv")
ck <- psych::cohen.kappa(codes)
out(data.frame(statistic = c("kappa", "var_kappa", "weighted_kappa", "var_weighted", "n"),
               value = c(ck$kappa, ck$var.kappa, ck$weighted.kappa, ck$var.weighted,
                         ck$n.obs)),
    "ref_kappa.csv")

# ---- Mantel-Haenszel -----------------------------------------------------------------
set.seed(20261102)
n <- 3000
grp <- rep(c("ref", "focal"), each = n / 2)
theta <- rnorm(n, ifelse(grp == "ref", 0, -0.3), 1)
b <- seq(-1.5, 1.5, length.out = 10)
shift <- c(0, 0, 0.9, 0, 0, 0, -0.9, 0, 0, 0)   # items 3 and 7 carry DIF
resp <- sapply(1:10, function(j) {
  bj <- b[j] + ifelse(grp == "focal", shift[j], 0)
  as.integer(runif(n) < plogis(theta - bj))
})
colnames(resp) <- sprintf("Q%02d", 1:10)
dif <- data.frame(group = grp, resp)
out(dif, "data_dif.csv")
total <- rowSums(resp)
mh <- do.call(rbind, lapply(colnames(resp), function(item) {
  keep <- total %in% as.integer(names(which(table(total) > 1)))
  tab <- table(factor(grp[keep], levels = c("ref", "focal")),
               factor(resp[keep, item], levels = c(1, 0)), total[keep])
  t <- mantelhaen.test(tab)
  data.frame(item = item, alpha_mh = unname(t$estimate), chisq = unname(t$statistic),
             p_value = t$p.value, ci_lower = t$conf.int[1], ci_upper = t$conf.int[2])
}))
out(mh, "ref_mantel_haenszel.csv")

writeLines(capture.output(sessionInfo()), file.path(here, "session_info.txt"))

# ---- validity-stage additions (KMO, Bartlett, EFA, CFA/invariance, ICC): issue 6 ---------
source(file.path(here, "make_fixtures_validity.R"))
