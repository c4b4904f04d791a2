# bash completion for sevqemu(1)                                -*- shell-script -*-
# SPDX-License-Identifier: MIT

_sevqemu()
{
    local cur prev i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

    local long_opts='--dry-run --exec --state-dir= --format= --quiet --verbose
        --emulator= --domcaps= --dh-cert= --session= --cgs --ignore-unsupported
        --probe --qmp= --paused --trust-xml --nvram-dir= --help --version'
    local short_opts='-n -x -d -f -q -v -h -V'
    local formats='shell args nul json'

    # With '=' in COMP_WORDBREAKS (bash's default), "--format=js" arrives
    # as the three words "--format" "=" "js".
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = ]] && ((COMP_CWORD >= 2)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi

    # "sevqemu policy [--snp] VALUE": only --snp to offer.
    if ((COMP_CWORD >= 2)) && [[ ${COMP_WORDS[1]} == policy ]]; then
        [[ $cur == -* ]] && mapfile -t COMPREPLY < <(compgen -W '--snp' -- "$cur")
        return 0
    fi

    # --opt=value in one word (when '=' does not break words).
    if [[ $cur == --*=* ]]; then
        local opt=${cur%%=*} val=${cur#*=}
        case $opt in
            --format)
                mapfile -t COMPREPLY < <(compgen -P "$opt=" -W "$formats" -- "$val") ;;
            --state-dir|--nvram-dir)
                mapfile -t COMPREPLY < <(compgen -P "$opt=" -d -- "$val") ;;
            --dh-cert|--session|--domcaps|--emulator|--qmp)
                mapfile -t COMPREPLY < <(compgen -P "$opt=" -f -- "$val") ;;
        esac
        return 0
    fi

    # After "--" only the domain XML can follow.
    for ((i = 1; i < COMP_CWORD; i++)); do
        if [[ ${COMP_WORDS[i]} == -- ]]; then
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -d -- "$cur"; compgen -f -X '!*.[xX][mM][lL]' -- "$cur")
            return 0
        fi
    done

    # The value of an option given as the next word.
    case $prev in
        -f|--format)
            mapfile -t COMPREPLY < <(compgen -W "$formats" -- "$cur")
            return 0 ;;
        -d|--state-dir|--nvram-dir)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
            return 0 ;;
        --dh-cert|--session|--domcaps|--emulator|--qmp)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            return 0 ;;
    esac

    if [[ $cur == --* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$long_opts" -- "$cur")
        # No space after an option that takes "=value".
        [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] &&
            compopt -o nospace 2>/dev/null
        return 0
    fi
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$short_opts $long_opts" -- "$cur")
        return 0
    fi

    # The domain XML: .xml files and directories to reach them; and the
    # policy command as the first word.
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -d -- "$cur"; compgen -f -X '!*.[xX][mM][lL]' -- "$cur")
    if ((COMP_CWORD == 1)); then
        [[ policy == "$cur"* ]] && COMPREPLY+=(policy)
    fi
    return 0
}
complete -F _sevqemu sevqemu
